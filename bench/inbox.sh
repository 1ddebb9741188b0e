#!/bin/sh
# Inbox benchmark (DESIGN §5): signed Likes from a load generator to the shared inbox, each
# verified (draft-cavage, RSA-2048) and durably written before its 202; accepted per second
# and p99 latency, against ring's RSA-2048 verification rate on one core measured in the
# same run (target: at least 25% of it). Builds release first.
#   bench/inbox.sh [--requests N] [--concurrency C] [--verify-seconds S] [--client-threads T]
set -eu
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release --example bench_inbox
exec "$target/release/examples/bench_inbox" "$@"
