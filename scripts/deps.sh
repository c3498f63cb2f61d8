#!/usr/bin/env bash
# Installs what Drawbridge needs on Debian 12 / Ubuntu: system packages (mail
# and directory labs, Tauri/WebKit, Xvfb, Chromium for rendering replies), the UI's npm packages, tauri-driver
# and osmem-server (the SIEM lab, from PyPI).
#   scripts/deps.sh app    only what building and running the app needs
#   scripts/deps.sh test   everything, including the test servers (default)
set -euo pipefail
what=${1:-test}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

app_pkgs="build-essential pkg-config file curl libdbus-1-dev libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev nodejs npm"
test_pkgs="dovecot-imapd dovecot-lmtpd postfix openssl xvfb xauth webkit2gtk-driver samba samba-ad-dc samba-ad-provision winbind krb5-user ldap-utils postgresql dbus gnome-keyring chromium"
pkgs=$app_pkgs
[ "$what" = "test" ] && pkgs="$app_pkgs $test_pkgs"

missing=""
for p in $pkgs; do
  # Node may come from elsewhere than Debian (as on the dev machines); accept any.
  case $p in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "deps: installing$missing"
  $SUDO apt-get update -q
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends $missing
fi

(cd ui && { [ -d node_modules ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund; })

if [ "$what" = "test" ] && ! python3 -c "import osmem_server" 2>/dev/null; then
  python3 -m pip install --quiet osmem-server
fi

if [ "$what" = "test" ] && ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  cargo install tauri-driver --locked
fi
