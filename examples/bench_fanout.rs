//! Fan-out benchmark (DESIGN §5, "Delivery"), run by `bench/fanout.sh`: one article to
//! 10,000 followers on 1,000 shared inboxes, signing included, against ring's RSA-2048
//! signing rate measured in the same run on the same number of cores.
//!
//! It measures ring first (one signing thread per core), then starts a counting sink (a
//! minimal HTTP/1.1 server on 127.0.0.1), writes a data folder with the followers, starts the
//! real `quire serve` (the path given with `--quire`), saves one post and times the
//! deliveries as the sink receives them, sampling the quire process's memory from /proc.
//!
//! Not a test: it prints figures. Usage:
//! `bench_fanout --quire target/release/quire [--followers N] [--inboxes N] [--concurrency N]`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Args {
    quire: PathBuf,
    followers: usize,
    inboxes: usize,
    concurrency: usize,
    sign_seconds: f64,
    rounds: usize,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        quire: PathBuf::from("target/release/quire"),
        followers: 10_000,
        inboxes: 1_000,
        concurrency: 16,
        sign_seconds: 1.5,
        rounds: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--quire" => args.quire = PathBuf::from(value),
            "--followers" => args.followers = value.parse()?,
            "--inboxes" => args.inboxes = value.parse()?,
            "--concurrency" => args.concurrency = value.parse()?,
            "--sign-seconds" => args.sign_seconds = value.parse()?,
            "--rounds" => args.rounds = value.parse::<usize>()?.max(1),
            other => bail!("unknown flag {other}"),
        }
    }
    if args.inboxes == 0 || args.followers < args.inboxes {
        bail!("--followers must be at least --inboxes, which must be at least 1");
    }
    Ok(args)
}

/// RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second with one thread per core, over a
/// signing string the size of a delivery's; and per CPU-second (this process does nothing
/// else meanwhile), which other load on the machine disturbs less.
fn ring_signing_rate(threads: usize, seconds: f64) -> anyhow::Result<(f64, f64)> {
    let cpu_before = proc_cpu_seconds(std::process::id()).unwrap_or(0.0);
    let key = quire::federation::signature::generate_rsa_2048()
        .map_err(|e| anyhow::anyhow!("generating a key: {e}"))?;
    let pair = Arc::new(
        ring::signature::RsaKeyPair::from_pkcs8(&key.pkcs8_der)
            .map_err(|e| anyhow::anyhow!("loading the key: {e}"))?,
    );
    let message = vec![b'x'; 240];
    let total = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let pair = pair.clone();
            let message = message.clone();
            let total = total.clone();
            std::thread::spawn(move || {
                let rng = ring::rand::SystemRandom::new();
                let mut sig = vec![0; pair.public().modulus_len()];
                let mut n = 0u64;
                while start.elapsed().as_secs_f64() < seconds {
                    if pair
                        .sign(&ring::signature::RSA_PKCS1_SHA256, &rng, &message, &mut sig)
                        .is_ok()
                    {
                        n += 1;
                    }
                }
                total.fetch_add(n, Ordering::Relaxed);
            })
        })
        .collect();
    for h in handles {
        let _ = h.join();
    }
    let n = total.load(Ordering::Relaxed) as f64;
    let cpu = proc_cpu_seconds(std::process::id()).unwrap_or(0.0) - cpu_before;
    Ok((n / start.elapsed().as_secs_f64(), n / cpu.max(1e-6)))
}

/// What the sink saw.
#[derive(Default)]
struct Counts {
    /// Arrival time of every request, in order.
    arrivals: Vec<Instant>,
    signed: usize,
    paths: std::collections::HashSet<String>,
}

/// A keep-alive HTTP/1.1 server that reads each request, counts it and answers 202.
async fn sink(listener: tokio::net::TcpListener, counts: Arc<Mutex<Counts>>) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            continue;
        };
        let counts = counts.clone();
        tokio::spawn(async move {
            let mut buf = Vec::with_capacity(16 * 1024);
            let mut chunk = [0u8; 16 * 1024];
            loop {
                // Read the head.
                let head_end = loop {
                    if let Some(i) = find(&buf, b"\r\n\r\n") {
                        break i + 4;
                    }
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                while buf.len() < head_end + length {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let path = head
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_string();
                {
                    let mut c = counts.lock().unwrap_or_else(|p| p.into_inner());
                    c.arrivals.push(Instant::now());
                    if head.contains("\r\nsignature:") {
                        c.signed += 1;
                    }
                    c.paths.insert(path);
                }
                buf.drain(..head_end + length);
                if socket
                    .write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A field of /proc/PID/status in kB (VmRSS, VmHWM).
fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// CPU seconds (user + system) the process has used.
fn proc_cpu_seconds(pid: u32) -> Option<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0) // USER_HZ is 100 on Linux
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn write_config(dir: &Path, port: u16, concurrency: usize) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir.join("content"))?;
    let config = dir.join("blog.toml");
    std::fs::write(
        &config,
        format!(
            "[site]\nbase_url = \"http://127.0.0.1:{port}\"\n[author]\nusername = \"alice\"\n\
             [server]\nlisten = \"127.0.0.1:{port}\"\n\
             [federation]\nallow_private_networks = true\ndelivery_concurrency = {concurrency}\n"
        ),
    )?;
    Ok(config)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "{cores} cores, load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let counts = Arc::new(Mutex::new(Counts::default()));
    let sink_listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let sink_port = sink_listener.local_addr()?.port();
    runtime.spawn(sink(sink_listener, counts.clone()));

    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let config = write_config(dir.path(), port, args.concurrency)?;
    {
        let store = quire::store::Store::open(&dir.path().join("data/quire.db"))?;
        for i in 0..args.followers {
            let shared = format!("http://127.0.0.1:{sink_port}/s/{}/inbox", i % args.inboxes);
            let id = format!("http://127.0.0.1:{sink_port}/u/{i}");
            store.add_follower("alice", &id, &format!("{id}/inbox"), Some(&shared), None)?;
        }
    }
    println!(
        "{} followers of the author on {} shared inboxes; delivery_concurrency = {}; {} rounds (one article each)",
        args.followers, args.inboxes, args.concurrency, args.rounds
    );

    let log = std::fs::File::create(dir.path().join("quire.log"))?;
    let mut child = Command::new(&args.quire)
        .args(["serve", "-c"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", args.quire.display()))?;
    let pid = child.id();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            bail!(
                "quire did not start; see {}",
                dir.path().join("quire.log").display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let idle_rss = proc_status_kb(pid, "VmRSS").unwrap_or(0);
    let mut peak_rss = idle_rss;
    let n = args.inboxes;
    let (mut wall_ratios, mut cpu_ratios) = (Vec::new(), Vec::new());
    for round in 0..args.rounds {
        let (sign_rate, sign_per_cpu) = ring_signing_rate(cores, args.sign_seconds)?;
        let saved = Instant::now();
        {
            let mut f =
                std::fs::File::create(dir.path().join(format!("content/fanout-{round}.md")))?;
            writeln!(
                f,
                "---\ntitle: Fan-out {round}\ndate: 2026-01-01\n---\n\n{}",
                "A paragraph of an article of ordinary length. ".repeat(60)
            )?;
        }
        let mut cpu_first = None;
        let cpu_last;
        loop {
            peak_rss = peak_rss.max(proc_status_kb(pid, "VmRSS").unwrap_or(0));
            let got = counts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .arrivals
                .len();
            if got > round * n && cpu_first.is_none() {
                cpu_first = proc_cpu_seconds(pid);
            }
            if got >= (round + 1) * n {
                cpu_last = proc_cpu_seconds(pid).unwrap_or(0.0);
                break;
            }
            if saved.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                bail!(
                    "only {got} of {} deliveries arrived in 120 s",
                    (round + 1) * n
                );
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let c = counts.lock().unwrap_or_else(|p| p.into_inner());
        let (first, last) = (c.arrivals[round * n], c.arrivals[(round + 1) * n - 1]);
        let phase = (last - first).as_secs_f64().max(1e-6);
        let rate = (n - 1) as f64 / phase;
        let cpu = (cpu_last - cpu_first.unwrap_or(cpu_last)).max(0.01);
        let per_cpu = (n - 1) as f64 / cpu;
        wall_ratios.push(rate / sign_rate);
        cpu_ratios.push(per_cpu / sign_per_cpu);
        println!("round {}", round + 1);
        println!(
            "  ring RSA-2048 on {cores} threads: {sign_rate:.0} signatures/s ({sign_per_cpu:.0} per CPU-second)"
        );
        println!(
            "  file saved → first delivery {:.0} ms, → last {:.0} ms",
            (first - saved).as_secs_f64() * 1000.0,
            (last - saved).as_secs_f64() * 1000.0
        );
        println!(
            "  fan-out (first → last): {n} deliveries in {:.0} ms = {rate:.0} deliveries/s = {:.0} followers/s: {:.0}% of ring",
            phase * 1000.0,
            rate * args.followers as f64 / n as f64,
            100.0 * rate / sign_rate
        );
        println!(
            "  quire CPU in that time: {cpu:.2} s = {per_cpu:.0} deliveries per CPU-second: {:.0}% of ring's signatures per CPU-second",
            100.0 * per_cpu / sign_per_cpu
        );
    }
    let hwm = proc_status_kb(pid, "VmHWM").unwrap_or(0).max(peak_rss);
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status();
    let _ = child.wait();

    let c = counts.lock().unwrap_or_else(|p| p.into_inner());
    println!("summary");
    println!(
        "  {} requests to {} distinct inboxes, {} signed; each round reaches {} followers",
        c.arrivals.len(),
        c.paths.len(),
        c.signed,
        args.followers
    );
    println!(
        "  deliveries/s against ring's signatures/s on {cores} cores: median {:.0}% (target ≥ 70%)",
        100.0 * median(wall_ratios)
    );
    println!(
        "  per CPU-second (less disturbed by other load): median {:.0}%",
        100.0 * median(cpu_ratios)
    );
    println!(
        "  quire RSS: idle {:.1} MiB, peak (VmHWM) {:.1} MiB",
        idle_rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    Ok(())
}
