//! Inbox benchmark (DESIGN §5): signed `Like`s POSTed by a load generator to the shared inbox
//! of a real quire, each verified (draft-cavage, RSA-2048) and durably written before the
//! 202; against ring's RSA-2048 verification rate on one core, measured in the same run.
//!
//! Two quire instances run in this process on 127.0.0.1 (the blog, and the remote whose
//! author signs the Likes and serves its actor document); requests are signed before the
//! clock starts. The server runs on its own tokio runtime (threads `quire-srv`, plus the
//! `reaction-writer`), the load generator on another (threads `loadgen`, `--client-threads`,
//! default 1), so the CPU each uses is counted apart from /proc/self/task: besides the
//! wall-clock ratio, the bench reports Likes per server CPU-second against ring's verifies
//! per CPU-second (less disturbed by the load generator and by other load on the machine).
//! Run through `bench/inbox.sh`.
//!   bench_inbox [--requests N] [--concurrency C] [--verify-seconds S] [--client-threads T]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use quire::app::App;
use quire::config::Config;
use quire::federation::signature::{sign_request, Scheme};

struct Args {
    requests: usize,
    concurrency: usize,
    verify_seconds: f64,
    client_threads: usize,
}

fn args() -> Args {
    let mut a = Args {
        requests: 20_000,
        concurrency: 64,
        verify_seconds: 3.0,
        client_threads: 1,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i + 1 < argv.len() {
        let v = &argv[i + 1];
        match argv[i].as_str() {
            "--requests" => a.requests = v.parse().unwrap_or(a.requests),
            "--concurrency" => a.concurrency = v.parse().unwrap_or(a.concurrency),
            "--verify-seconds" => a.verify_seconds = v.parse().unwrap_or(a.verify_seconds),
            "--client-threads" => a.client_threads = v.parse().unwrap_or(a.client_threads),
            _ => {}
        }
        i += 2;
    }
    a
}

/// Starts a quire on 127.0.0.1 in a fresh folder; returns it, its base URL and the folder.
async fn start(posts: bool) -> anyhow::Result<(Arc<App>, String, tempfile::TempDir)> {
    let dir = tempfile::tempdir()?;
    std::fs::create_dir_all(dir.path().join("content"))?;
    if posts {
        std::fs::write(
            dir.path().join("content/hello.md"),
            "---\ntitle: Hello\ndate: 2026-01-01\n---\n\nFirst post.\n",
        )?;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    let toml = format!(
        "[site]\nbase_url = \"{base}\"\n[author]\nusername = \"alice\"\n[federation]\nallow_private_networks = true\n"
    );
    std::fs::write(dir.path().join("blog.toml"), toml)?;
    let config = Config::load(Some(&dir.path().join("blog.toml")))?;
    let app = Arc::new(App::open(config)?);
    let served = app.clone();
    tokio::spawn(async move {
        let _ = quire::app::serve(served, listener, std::future::pending()).await;
    });
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client
            .get(format!("{base}/nodeinfo/2.1"))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok((app, base, dir))
}

/// ring's RSA-2048 PKCS#1 v1.5 SHA-256 verifications on this one thread: per second of wall
/// clock, and per CPU-second of the thread.
fn ring_verify_rate(pkcs8: &[u8], seconds: f64) -> anyhow::Result<(f64, f64)> {
    use ring::signature::{RsaKeyPair, UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
    let pair = RsaKeyPair::from_pkcs8(pkcs8).map_err(|e| anyhow::anyhow!("key: {e}"))?;
    let message = b"(request-target): post /inbox\nhost: 127.0.0.1\ndate: x\ndigest: SHA-256=y";
    let mut sig = vec![0u8; pair.public().modulus_len()];
    pair.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        message,
        &mut sig,
    )
    .map_err(|_| anyhow::anyhow!("sign"))?;
    let public = pair.public().as_ref().to_vec();
    let cpu_before = thread_cpu_seconds();
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed().as_secs_f64() < seconds {
        for _ in 0..100 {
            UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &public)
                .verify(message, &sig)
                .map_err(|_| anyhow::anyhow!("verify"))?;
        }
        n += 100;
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = (thread_cpu_seconds() - cpu_before).max(1e-6);
    Ok((n as f64 / wall, n as f64 / cpu))
}

/// CPU seconds (user + system) this thread has used.
fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|t| stat_cpu_seconds(&t))
        .unwrap_or(0.0)
}

/// utime + stime of a /proc stat line, in seconds (clock ticks of 1/100 s).
fn stat_cpu_seconds(stat: &str) -> Option<f64> {
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// CPU seconds used so far by this process's threads, by thread name.
fn cpu_by_thread_name() -> std::collections::BTreeMap<String, f64> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let name = stat
            .find('(')
            .zip(stat.rfind(')'))
            .map_or("?", |(a, b)| &stat[a + 1..b])
            .to_string();
        *out.entry(name).or_insert(0.0) += stat_cpu_seconds(&stat).unwrap_or(0.0);
    }
    out
}

/// CPU seconds per thread name used between two snapshots (threads that ended in between
/// are not counted: none of the measured ones do).
fn cpu_delta(
    before: &std::collections::BTreeMap<String, f64>,
    after: &std::collections::BTreeMap<String, f64>,
) -> Vec<(String, f64)> {
    after
        .iter()
        .map(|(name, t)| (name.clone(), t - before.get(name).copied().unwrap_or(0.0)))
        .filter(|(_, t)| *t > 0.0)
        .collect()
}

type Signed = (reqwest::header::HeaderMap, Vec<u8>);

/// Signs `n` distinct Likes of `article` from the remote's author, on every core.
fn presign(remote: &App, inbox: &url::Url, article: &str, n: usize) -> Vec<Signed> {
    let threads = std::thread::available_parallelism().map_or(2, |p| p.get());
    let me = remote.urls.actor(&remote.person.name);
    let chunks: Vec<Vec<usize>> = (0..threads)
        .map(|t| (0..n).filter(|i| i % threads == t).collect())
        .collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let me = me.clone();
                let builder = std::thread::Builder::new().name("presign".into());
                builder.spawn_scoped(s, move || {
                    chunk
                        .into_iter()
                        .filter_map(|i| {
                            let body = serde_json::json!({
                                "@context": "https://www.w3.org/ns/activitystreams",
                                "id": format!("{me}/likes/{i}"),
                                "type": "Like",
                                "actor": me,
                                "object": article,
                            })
                            .to_string()
                            .into_bytes();
                            let mut headers = http::HeaderMap::new();
                            headers.insert(
                                http::header::CONTENT_TYPE,
                                http::HeaderValue::from_static("application/activity+json"),
                            );
                            sign_request(
                                Scheme::Cavage,
                                &http::Method::POST,
                                inbox,
                                &mut headers,
                                Some(&body),
                                &remote.person.key_id,
                                &remote.person.signer,
                                chrono::Utc::now(),
                            )
                            .ok()?;
                            let mut out = reqwest::header::HeaderMap::new();
                            for (k, v) in &headers {
                                if k != http::header::HOST {
                                    out.insert(k.clone(), v.clone());
                                }
                            }
                            Some((out, body))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_default();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn main() -> anyhow::Result<()> {
    let a = args();
    let server = tokio::runtime::Builder::new_multi_thread()
        .thread_name("quire-srv")
        .enable_all()
        .build()
        .context("server runtime")?;
    let generator = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(a.client_threads.max(1))
        .thread_name("loadgen")
        .enable_all()
        .build()
        .context("load generator runtime")?;
    let ((blog, blog_base, _blog_dir), (remote, _remote_base, _remote_dir)) =
        server.block_on(async { anyhow::Ok((start(true).await?, start(false).await?)) })?;
    generator.block_on(run(a, blog, blog_base, remote))
}

async fn run(a: Args, blog: Arc<App>, blog_base: String, remote: Arc<App>) -> anyhow::Result<()> {
    let inbox = url::Url::parse(&format!("{blog_base}/inbox"))?;
    let article = blog.urls.post("hello");

    eprintln!("signing {} Likes…", a.requests + 1);
    let mut signed = {
        let remote = remote.clone();
        let inbox = inbox.clone();
        let article = article.clone();
        let n = a.requests + 1;
        std::thread::spawn(move || presign(&remote, &inbox, &article, n))
            .join()
            .map_err(|_| anyhow::anyhow!("signing failed"))?
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.concurrency)
        .build()?;
    // Warm up: the first request resolves and caches the remote's key.
    let (headers, body) = signed.pop().context("nothing signed")?;
    let first = client
        .post(inbox.as_str())
        .headers(headers)
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(first.status() == 202, "warm-up answered {}", first.status());

    let queue = Arc::new(std::sync::Mutex::new(signed));
    let accepted = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let cpu_before = cpu_by_thread_name();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..a.concurrency {
        let (queue, accepted, failed, client, inbox) = (
            queue.clone(),
            accepted.clone(),
            failed.clone(),
            client.clone(),
            inbox.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let next = queue.lock().map(|mut q| q.pop()).ok().flatten();
                let Some((headers, body)) = next else { break };
                let t = Instant::now();
                let ok = client
                    .post(inbox.as_str())
                    .headers(headers)
                    .body(body)
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 202);
                latencies.push(t.elapsed());
                if ok {
                    accepted.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await?);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_delta(&cpu_before, &cpu_by_thread_name());
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let accepted = accepted.load(Ordering::Relaxed);
    let rate = accepted as f64 / elapsed;

    let pkcs8 = remote.person.keys.private_key_pkcs8.clone();
    let (verify_rate, verify_per_cpu) = std::thread::Builder::new()
        .name("ring-verify".into())
        .spawn(move || ring_verify_rate(&pkcs8, a.verify_seconds))?
        .join()
        .map_err(|_| anyhow::anyhow!("verify thread failed"))??;
    let server_cpu: f64 = cpu
        .iter()
        .filter(|(name, _)| !name.starts_with("loadgen"))
        .map(|(_, t)| t)
        .sum();
    let likes_per_cpu = accepted as f64 / server_cpu.max(0.01);
    println!("requests            {}", a.requests);
    println!("concurrency         {}", a.concurrency);
    println!("accepted (202)      {accepted}");
    println!("failed              {}", failed.load(Ordering::Relaxed));
    println!("elapsed             {elapsed:.2} s");
    println!("accepted/s          {rate:.0}");
    println!("p50 latency         {:.2} ms", pct(0.50));
    println!("p99 latency         {:.2} ms", pct(0.99));
    println!("ring RSA-2048 verify/s, one core  {verify_rate:.0}");
    println!(
        "ratio               {:.1}% (target >= 25%)",
        100.0 * rate / verify_rate
    );
    println!("CPU seconds during the load, by thread:");
    for (name, t) in &cpu {
        println!("  {name:<18}{t:.2}");
    }
    println!(
        "server CPU          {server_cpu:.2} s = {likes_per_cpu:.0} Likes per CPU-second ({:.0} us each)",
        1e6 / likes_per_cpu
    );
    println!(
        "ring verify per CPU-second        {verify_per_cpu:.0} ({:.1} us each)",
        1e6 / verify_per_cpu
    );
    println!(
        "ratio per CPU-second {:.1}% (target >= 25%)",
        100.0 * likes_per_cpu / verify_per_cpu
    );
    Ok(())
}
