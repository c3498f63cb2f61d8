#!/usr/bin/env bash
# Runs every test. First the gates: rustfmt, clippy (warnings are errors),
# svelte-check and the UI's Vitest tests. Then it starts the labs on loopback (mail: Dovecot + Postfix;
# directory: Samba AD DC seeded with the lab company; SIEM: osmem-server with
# four weeks of the company's events; inventory: PostgreSQL with its assets;
# keyring: GNOME Keyring's Secret Service on a private D-Bus),
# runs the whole
# workspace's tests under a virtual display (the WebDriver test opens the real
# app window), renders the reply snapshots to PNG in headless Chromium, then
# stops the labs. Exit status: the first gate that failed,
# else cargo test's. With DRAWBRIDGE_REQUIRE_LABS=1 (as CI sets it) a test
# whose lab is missing fails instead of skipping.
set -uo pipefail
cd "$(dirname "$0")/.."
LAB=${DRAWBRIDGE_MAIL_LAB:-/tmp/drawbridge-mail-lab}
DIR_LAB=${DRAWBRIDGE_DIRECTORY_LAB:-/tmp/drawbridge-directory-lab}
SIEM_LAB=${DRAWBRIDGE_SIEM_LAB:-/tmp/drawbridge-siem-lab}
PG_LAB=${DRAWBRIDGE_POSTGRES_LAB:-/tmp/drawbridge-postgres-lab}
KEYRING_LAB=${DRAWBRIDGE_KEYRING_LAB:-/tmp/drawbridge-keyring-lab}
export PATH="$HOME/.cargo/bin:$PATH"
echo "== gates: cargo fmt --check, svelte-check, vitest, clippy -D warnings"
cargo fmt --all -- --check || { echo "run: cargo fmt --all"; exit 1; }
(cd ui && npm run --silent check && npm test --silent) || exit 1
cargo clippy --workspace --all-targets --locked -- -D warnings || exit 1
echo "== tests against the labs"
trap 'bash tests/lab/keyring.sh down "$KEYRING_LAB" >/dev/null; bash tests/lab/mail.sh down "$LAB" >/dev/null; bash tests/lab/directory.sh down "$DIR_LAB" >/dev/null; bash tests/lab/siem.sh down "$SIEM_LAB" >/dev/null; bash tests/lab/postgres.sh down "$PG_LAB" >/dev/null' EXIT
bash tests/lab/mail.sh up "$LAB" || exit 1
cargo run -q --locked -p drawbridge-lab -- ldif > "$DIR_LAB.ldif" || exit 1
bash tests/lab/directory.sh up "$DIR_LAB" "$DIR_LAB.ldif" || exit 1
cargo run -q --locked -p drawbridge-lab -- siem --count 100000 > "$SIEM_LAB.ndjson" || exit 1
bash tests/lab/siem.sh up "$SIEM_LAB" "$SIEM_LAB.ndjson" || exit 1
cargo run -q --locked -p drawbridge-lab -- assets-sql > "$PG_LAB.sql" || exit 1
bash tests/lab/postgres.sh up "$PG_LAB" "$PG_LAB.sql" || exit 1
# A real Secret Service (GNOME Keyring on a private D-Bus) for the keyring tests.
eval "$(bash tests/lab/keyring.sh up "$KEYRING_LAB")" || exit 1
export DRAWBRIDGE_MAIL_LAB=$LAB DRAWBRIDGE_DIRECTORY_LAB=$DIR_LAB DRAWBRIDGE_SIEM_LAB=$SIEM_LAB DRAWBRIDGE_POSTGRES_LAB=$PG_LAB
xvfb-run -a -s "-screen 0 1280x800x24" cargo test --workspace --locked
status=$?
echo "== the reply snapshots rendered in headless Chromium (target/reply-png)"
bash tests/render-reply.sh target/reply-png || { [ "$status" -ne 0 ] || status=1; }
exit $status
