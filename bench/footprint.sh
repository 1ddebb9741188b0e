#!/usr/bin/env bash
# Footprint on a small machine: stripped binary size, cold start to first answer, idle memory.
# Targets (DESIGN.md §5): binary < 10 MB, idle RSS < 10 MB, cold start < 100 ms.
#
#   bench/footprint.sh            builds the release binary first (cargo build --release)
#   QUIRE_BIN=path bench/footprint.sh   measures that binary instead (e.g. an aarch64 build on a Pi)
#
# "Cold start" is a new process on an existing blog (database and keys created beforehand by
# `quire init`, 20 posts in the content folder): exec to the first HTTP 200, polled every
# millisecond, median of 7 runs. The file cache is warm (dropping it would need root and
# disturb the machine). References, measured the same way in the same run: Python's
# `http.server` and, if installed, nginx serving a static file. Idle RSS is VmRSS from
# /proc after start, and again after 500 requests and a second of quiet, split into
# anonymous memory (what quire allocated) and file-backed pages (the mapped binary and libc).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${QUIRE_BIN:-}" ]; then
    cargo build --release --quiet
    QUIRE_BIN="${CARGO_TARGET_DIR:-target}/release/quire"
fi
WORK=$(mktemp -d)
cleanup() {
    for pidfile in "$WORK"/*.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Blog: config, keys, 20 posts.
PORT=$(free_port)
mkdir -p "$WORK/blog/content"
cat > "$WORK/blog/blog.toml" <<TOML
[site]
base_url = "http://127.0.0.1:$PORT"
[server]
listen = "127.0.0.1:$PORT"
TOML
for i in $(seq 1 20); do
    printf -- '---\ntitle: Post %s\ndate: 2026-01-%02d\n---\n\n%s\n' "$i" "$i" \
        "$(yes 'Some words of a blog post, with *emphasis* and a [link](https://example.org).' | head -40)" \
        > "$WORK/blog/content/post-$i.md"
done
"$QUIRE_BIN" init -c "$WORK/blog/blog.toml" >/dev/null 2>&1
"$QUIRE_BIN" import -c "$WORK/blog/blog.toml" >/dev/null 2>&1

# python3 bench: start a command, time until GET url answers 200, then report VmRSS.
cat > "$WORK/measure.py" <<'PY'
import os, signal, subprocess, sys, time, urllib.request, http.client, json, statistics

def first_answer(cmd, host, port, path, cwd, env=None, keep=False):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=env, start_new_session=True)
    while True:
        try:
            c = http.client.HTTPConnection(host, port, timeout=1)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            if r.status == 200:
                break
        except OSError:
            pass
        if time.perf_counter() - t0 > 30:
            raise SystemExit(f"{cmd[0]} never answered")
        time.sleep(0.001)
    ms = (time.perf_counter() - t0) * 1000
    if keep:
        return ms, p
    os.killpg(p.pid, signal.SIGTERM)
    p.wait()
    return ms, None

def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0

def rss_kib(pid):
    return status_kib(pid, "VmRSS")

def median_start(cmd, port, path, cwd, runs=7):
    return statistics.median(first_answer(cmd, "127.0.0.1", port, path, cwd)[0] for _ in range(runs))

mode = sys.argv[1]
if mode == "quire":
    binary, config, port = sys.argv[2], sys.argv[3], int(sys.argv[4])
    cmd = [binary, "serve", "-c", config]
    env = dict(os.environ, RUST_LOG="warn")
    start = statistics.median(
        first_answer(cmd, "127.0.0.1", port, "/", None, env)[0] for _ in range(7))
    _, p = first_answer(cmd, "127.0.0.1", port, "/", None, env, keep=True)
    time.sleep(1)
    idle = rss_kib(p.pid)
    for i in range(500):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", ["/", "/posts/post-%d" % (i % 20 + 1), "/feed.xml", "/@author"][i % 4])
        c.getresponse().read()
    time.sleep(1)
    after = rss_kib(p.pid)
    anon, file = status_kib(p.pid, "RssAnon"), status_kib(p.pid, "RssFile")
    os.killpg(p.pid, signal.SIGTERM)
    p.wait()
    print(json.dumps({"start_ms": start, "idle_kib": idle, "after_kib": after,
                      "anon_kib": anon, "file_kib": file}))
else:
    cmd, port, path, cwd = json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    ms = median_start(cmd, port, path, cwd)
    _, p = first_answer(cmd, "127.0.0.1", port, path, cwd, keep=True)
    time.sleep(1)
    kib = rss_kib(p.pid)
    os.killpg(p.pid, signal.SIGTERM)
    p.wait()
    print(json.dumps({"start_ms": ms, "idle_kib": kib}))
PY

SIZE=$(stat -c %s "$QUIRE_BIN")
Q=$(python3 "$WORK/measure.py" quire "$QUIRE_BIN" "$WORK/blog/blog.toml" "$PORT")

# Reference 1: python3 -m http.server on a static page.
mkdir -p "$WORK/static"
echo '<!doctype html><title>x</title><p>hello' > "$WORK/static/index.html"
PPORT=$(free_port)
PY_REF=$(python3 "$WORK/measure.py" ref "[\"python3\", \"-m\", \"http.server\", \"--bind\", \"127.0.0.1\", \"$PPORT\"]" "$PPORT" / "$WORK/static")

# Reference 2: nginx (if installed), foreground, its own prefix.
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
NG_REF=""
if [ -n "$NGINX" ]; then
    NPORT=$(free_port)
    mkdir -p "$WORK/nginx/logs"
    chmod 755 "$WORK"
    cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 64; }
http { access_log off; client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
       fastcgi_temp_path $WORK/nginx/f; uwsgi_temp_path $WORK/nginx/u; scgi_temp_path $WORK/nginx/s;
       server { listen 127.0.0.1:$NPORT; root $WORK/static; } }
CONF
    NG_REF=$(python3 "$WORK/measure.py" ref "[\"$NGINX\", \"-p\", \"$WORK/nginx\", \"-c\", \"$WORK/nginx/nginx.conf\", \"-g\", \"daemon off;\"]" "$NPORT" / "$WORK")
fi

python3 - "$SIZE" "$Q" "$PY_REF" "$NG_REF" <<'PY'
import json, sys
size = int(sys.argv[1]); q = json.loads(sys.argv[2]); py = json.loads(sys.argv[3])
ng = json.loads(sys.argv[4]) if sys.argv[4] else None
mb = lambda b: b / 1e6
verdict = lambda ok: "PASS" if ok else "FAIL"
print(f"{'':28}{'measured':>12}  {'target':>10}")
print(f"{'stripped binary':28}{mb(size):>9.2f} MB  {'< 10 MB':>10}  {verdict(size < 10e6)}")
print(f"{'cold start to first answer':28}{q['start_ms']:>9.1f} ms  {'< 100 ms':>10}  {verdict(q['start_ms'] < 100)}")
print(f"{'idle RSS after start':28}{q['idle_kib']/1024:>8.2f} MiB  {'< 10 MB':>10}  {verdict(q['idle_kib']*1024 < 10e6)}")
print(f"{'idle RSS after 500 requests':28}{q['after_kib']/1024:>8.2f} MiB  {'< 10 MB':>10}  {verdict(q['after_kib']*1024 < 10e6)}")
print(f"{'  of which anonymous (heap)':28}{q['anon_kib']/1024:>8.2f} MiB")
print(f"{'  of which file-backed':28}{q['file_kib']/1024:>8.2f} MiB  (binary and libc pages mapped; shared, reclaimable;")
print(f"{'':40}recent kernels map whole large folios, so this grows with the binary's size)")
print()
print("references (same run, same method):")
print(f"  python3 -m http.server    start {py['start_ms']:7.1f} ms   idle RSS {py['idle_kib']/1024:6.2f} MiB")
if ng:
    print(f"  nginx (master+worker: master's RSS) start {ng['start_ms']:7.1f} ms   idle RSS {ng['idle_kib']/1024:6.2f} MiB")
else:
    print("  nginx: not installed")
print(f"  quire start / python start = {q['start_ms']/py['start_ms']:.2f}x")
if ng:
    print(f"  quire start / nginx start  = {q['start_ms']/ng['start_ms']:.2f}x")
PY
