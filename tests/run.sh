#!/usr/bin/env bash
# Runs every test: starts the mail lab (Dovecot + Postfix on loopback), runs
# the whole workspace's tests under a virtual display (the WebDriver test opens
# the real app window), then stops the lab. Exit status: cargo test's.
set -uo pipefail
cd "$(dirname "$0")/.."
LAB=${DRAWBRIDGE_MAIL_LAB:-/tmp/drawbridge-mail-lab}
bash tests/lab/mail.sh up "$LAB" || exit 1
trap 'bash tests/lab/mail.sh down "$LAB" >/dev/null' EXIT
export DRAWBRIDGE_MAIL_LAB=$LAB
export PATH="$HOME/.cargo/bin:$PATH"
xvfb-run -a -s "-screen 0 1280x800x24" cargo test --workspace --locked
