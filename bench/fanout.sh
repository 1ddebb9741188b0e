#!/bin/sh
# Delivery fan-out benchmark (DESIGN §5): one article to 10,000 followers on 1,000 shared
# inboxes, signing included, against ring's RSA-2048 signing rate measured in the same run on
# the same cores; also the time from saving the file to the first delivery and the peak RSS
# of the quire process. Builds release first.
#   bench/fanout.sh [--followers N] [--inboxes N] [--concurrency N] [--sign-seconds S]
set -eu
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release --bin quire --example bench_fanout
exec "$target/release/examples/bench_fanout" --quire "$target/release/quire" "$@"
