#!/usr/bin/env bash
# Renders the reply snapshots (crates/engine/tests/snapshots/*.html) in
# headless Chromium to PNG, in a light and a dark colour scheme, as a mail
# client would show them: proof that the HTML renders, at most 800 px wide,
# with nothing loaded from outside (Chromium runs with the network off).
#   tests/render-reply.sh [OUT]   (default target/reply-png)
# Exit status: non-zero when Chromium is missing or a PNG is not produced.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/reply-png}
mkdir -p "$OUT"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "render-reply: chromium is not installed (scripts/deps.sh test installs it)" >&2; exit 1; }
status=0
for html in crates/engine/tests/snapshots/*.html; do
  name=$(basename "$html" .html)
  for scheme in light dark; do
    png="$OUT/$name-$scheme.png"
    rm -f "$png"
    flags=()
    [ "$scheme" = dark ] && flags+=(--force-dark-mode --blink-settings=preferredColorScheme=0)
    # A private profile and no network: the HTML must stand on its own.
    profile=$(mktemp -d)
    timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
      --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' "${flags[@]}" \
      --window-size=820,1800 --screenshot="$png" "file://$PWD/$html" >/dev/null 2>&1 || true
    rm -rf "$profile"
    size=$(stat -c %s "$png" 2>/dev/null || echo 0)
    if [ "$size" -lt 10000 ]; then
      echo "render-reply: $png was not rendered ($size bytes)" >&2
      status=1
    else
      echo "render-reply: $png ($size bytes)"
    fi
  done
done
exit $status
