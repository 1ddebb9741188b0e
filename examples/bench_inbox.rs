//! Inbox benchmark (DESIGN §5): signed `Like`s POSTed by a load generator to the shared inbox
//! of a real quire, each verified (draft-cavage, RSA-2048) and durably written before the
//! 202; against ring's RSA-2048 verification rate on one core, measured in the same run.
//!
//! Two quire instances run in this process on 127.0.0.1 (the blog, and the remote whose
//! author signs the Likes and serves its actor document); requests are signed before the
//! clock starts. Run through `bench/inbox.sh`.
//!   bench_inbox [--requests N] [--concurrency C] [--verify-seconds S]

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
}

fn args() -> Args {
    let mut a = Args {
        requests: 20_000,
        concurrency: 64,
        verify_seconds: 3.0,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i + 1 < argv.len() {
        let v = &argv[i + 1];
        match argv[i].as_str() {
            "--requests" => a.requests = v.parse().unwrap_or(a.requests),
            "--concurrency" => a.concurrency = v.parse().unwrap_or(a.concurrency),
            "--verify-seconds" => a.verify_seconds = v.parse().unwrap_or(a.verify_seconds),
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

/// ring's RSA-2048 PKCS#1 v1.5 SHA-256 verifications per second on this one thread.
fn ring_verify_rate(pkcs8: &[u8], seconds: f64) -> anyhow::Result<f64> {
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
    Ok(n as f64 / start.elapsed().as_secs_f64())
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
                s.spawn(move || {
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
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn main() -> anyhow::Result<()> {
    let a = args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("runtime")?;
    runtime.block_on(run(a))
}

async fn run(a: Args) -> anyhow::Result<()> {
    let (blog, blog_base, _blog_dir) = start(true).await?;
    let (remote, _remote_base, _remote_dir) = start(false).await?;
    let inbox = url::Url::parse(&format!("{blog_base}/inbox"))?;
    let article = blog.urls.post("hello");

    eprintln!("signing {} Likes…", a.requests + 1);
    let mut signed = {
        let remote = remote.clone();
        let inbox = inbox.clone();
        let article = article.clone();
        let n = a.requests + 1;
        tokio::task::spawn_blocking(move || presign(&remote, &inbox, &article, n)).await?
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
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let accepted = accepted.load(Ordering::Relaxed);
    let rate = accepted as f64 / elapsed;

    let pkcs8 = remote.person.keys.private_key_pkcs8.clone();
    let verify_rate =
        tokio::task::spawn_blocking(move || ring_verify_rate(&pkcs8, a.verify_seconds)).await??;
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
    Ok(())
}
