#!/bin/sh
# Screenshots of every page at phone and desktop widths, light and dark, for looking at the
# design (not a benchmark, not a test). Needs Debian's `chromium`.
#   bench/screenshots.sh [DIR]   (default /tmp/pages) -> DIR/{page}-{phone,desktop}-{light,dark}.png
set -eu
DIR=${1:-/tmp/pages}
QUIRE_PAGES_DIR="$DIR" cargo test --quiet --lib web::pages::samples -- --ignored >/dev/null
for page in "$DIR"/*.html; do
  name=$(basename "$page" .html)
  for size in phone:390,844 desktop:1280,900; do
    for scheme in light dark; do
      dark=""
      [ "$scheme" = dark ] && dark="--force-dark-mode --blink-settings=preferredColorScheme=0"
      profile=$(mktemp -d)
      # shellcheck disable=SC2086
      chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" $dark --window-size="${size#*:}" \
        --screenshot="$DIR/$name-${size%%:*}-$scheme.png" "file://$page" 2>/dev/null
      rm -rf "$profile"
    done
  done
done
ls "$DIR"/*.png
