#!/usr/bin/env bash
# Benchmark of the blog itself (issue "quire serves a Markdown folder as a blog"):
#   1. the article page served by quire vs the same HTML served by nginx as a static file
#      (wrk, 64 connections): requests/s ratio, p99 latency, quire's RSS under load;
#   2. importing 10,000 generated posts (`quire import`);
#   3. cold start to the first answer, and idle RSS.
# Everything runs on 127.0.0.1, in one run, so the ratios compare like with like.
# Usage: bench/blog.sh   or   QUIRE_BIN=path bench/blog.sh   (root for apt-get the first time)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need nginx nginx

if [ -z "${QUIRE_BIN:-}" ]; then
    cargo build --release --quiet
    QUIRE_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/quire"
fi
BIN=$QUIRE_BIN
WORK=$(mktemp -d); chmod 755 "$WORK"   # nginx workers (www-data) must read the page
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
wait_http() { for _ in $(seq 1 6000); do curl -fs -o /dev/null "$1" && return 0; sleep 0.005; done; echo "no answer from $1" >&2; exit 1; }

# --- a blog with one ~20 KB article -----------------------------------------------------
QPORT=$(free_port); NPORT=$(free_port)
mkdir -p "$WORK/blog/content" "$WORK/www"
cat > "$WORK/blog/blog.toml" <<TOML
[site]
base_url = "http://127.0.0.1:$QPORT"
title = "Bench"
[server]
listen = "127.0.0.1:$QPORT"
TOML
python3 - "$WORK/blog/content/article.md" <<'PY'
import sys
paras = []
for i in range(40):
    paras.append(f"Paragraph {i}: " + " ".join(["words of a blog post with *emphasis* and a [link](https://example.org)"] * 6))
open(sys.argv[1], "w").write("---\ntitle: The benchmark article\ndate: 2024-01-01\ntags: [bench]\n---\n\n" + "\n\n".join(paras) + "\n")
PY
(cd "$WORK/blog" && RUST_LOG=warn "$BIN" serve -c blog.toml) & QPID=$!
wait_http "http://127.0.0.1:$QPORT/posts/article"
curl -fs "http://127.0.0.1:$QPORT/posts/article" > "$WORK/www/article.html"
SIZE=$(wc -c < "$WORK/www/article.html")

cat > "$WORK/nginx.conf" <<NGINX
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  server {
    listen 127.0.0.1:$NPORT;
    root $WORK/www;
    default_type text/html;
    location = /posts/article { try_files /article.html =404; }
  }
}
NGINX
nginx -p "$WORK" -c "$WORK/nginx.conf"
wait_http "http://127.0.0.1:$NPORT/posts/article"

run_wrk() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" 2>&1; }
parse_rps() { awk '/Requests\/sec/ {print $2}'; }
parse_p99() { awk '$1=="99%" {print $2}'; }

echo "article page: $SIZE bytes, $CONNECTIONS connections, ${DURATION}s each"
run_wrk "http://127.0.0.1:$NPORT/posts/article" > /dev/null   # warm-up
NGINX_OUT=$(run_wrk "http://127.0.0.1:$NPORT/posts/article")
run_wrk "http://127.0.0.1:$QPORT/posts/article" > /dev/null
QUIRE_OUT=$(run_wrk "http://127.0.0.1:$QPORT/posts/article")
N_RPS=$(echo "$NGINX_OUT" | parse_rps); Q_RPS=$(echo "$QUIRE_OUT" | parse_rps)
N_P99=$(echo "$NGINX_OUT" | parse_p99); Q_P99=$(echo "$QUIRE_OUT" | parse_p99)
Q_HWM=$(hwm_kb $QPID)
printf 'nginx  %10s req/s  p99 %s\n' "$N_RPS" "$N_P99"
printf 'quire  %10s req/s  p99 %s  peak RSS %d KB\n' "$Q_RPS" "$Q_P99" "$Q_HWM"
python3 -c "print(f'ratio quire/nginx: {float(\"$Q_RPS\")/float(\"$N_RPS\"):.2f}x (target >= 1.0x); quire p99 target < 5 ms; RSS target < 30 MB')"
kill $QPID; wait $QPID 2>/dev/null || true

# --- import 10,000 posts -------------------------------------------------------------------
mkdir -p "$WORK/big/content"
python3 - "$WORK/big/content" <<'PY'
import sys, os
root = sys.argv[1]
body = "\n\n".join("Paragraph %d with some **bold** text, a [link](https://example.org) and more words to reach about five kilobytes of Markdown in total." % i for i in range(35))
for i in range(10000):
    d = os.path.join(root, "section%02d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "post-%05d.md" % i), "w") as f:
        f.write("---\ntitle: Post %d\ndate: 2024-01-01T00:00:%02dZ\ntags: [t%d, bench]\n---\n\n%s\n" % (i, i % 60, i % 50, body))
PY
cat > "$WORK/big/blog.toml" <<TOML
[site]
base_url = "http://127.0.0.1:1"
TOML
(cd "$WORK/big" && "$BIN" init -c blog.toml >/dev/null)   # database and keys first: not part of the import
START=$(date +%s.%N)
(cd "$WORK/big" && RUST_LOG=warn "$BIN" import -c blog.toml > "$WORK/import.log")
END=$(date +%s.%N)
tail -1 "$WORK/import.log"
python3 -c "print(f'import of 10,000 posts: {$END-$START:.2f} s (target < 5 s)')"

# --- cold start and idle RSS -----------------------------------------------------------------
# The blog from part 1, with its keys: measure the start of a configured blog, not key creation.
START=$(date +%s.%N)
(cd "$WORK/blog" && RUST_LOG=warn "$BIN" serve -c blog.toml) & QPID=$!
wait_http "http://127.0.0.1:$QPORT/.well-known/nodeinfo"
END=$(date +%s.%N)
python3 -c "print(f'cold start to first answer: {($END-$START)*1000:.0f} ms (target < 100 ms)')"
sleep 2
echo "idle RSS: $(rss_kb $QPID) KB (target < 10240 KB)"
kill $QPID; wait $QPID 2>/dev/null || true
