#!/usr/bin/env bash
# A real OS keyring for the tests: a private D-Bus session bus and GNOME
# Keyring's Secret Service on it, with an unlocked keyring kept under $2.
#   tests/lab/keyring.sh up DIR    prints the environment to `eval`
#   tests/lab/keyring.sh down DIR
set -euo pipefail
cmd=${1:?up|down}
dir=${2:?lab directory}
case $cmd in
up)
  rm -rf "$dir" && mkdir -p "$dir/data" "$dir/runtime" && chmod 700 "$dir/runtime"
  bus=$(dbus-daemon --session --fork --print-address=1 --print-pid=3 3>"$dir/dbus.pid" 2>/dev/null | head -1)
  export DBUS_SESSION_BUS_ADDRESS=$bus XDG_DATA_HOME=$dir/data XDG_RUNTIME_DIR=$dir/runtime
  # --unlock reads the new keyring's password on stdin; the lab's is throwaway.
  printf 'keyring-lab' | gnome-keyring-daemon --unlock --components=secrets >"$dir/gkd.env"
  pgrep -n -f "gnome-keyring-daemon --unlock" >"$dir/gkd.pid" || true
  echo "export DBUS_SESSION_BUS_ADDRESS='$bus' XDG_DATA_HOME='$dir/data' XDG_RUNTIME_DIR='$dir/runtime' DRAWBRIDGE_KEYRING_LAB='$dir'"
  ;;
down)
  for p in gkd dbus; do
    [ -s "$dir/$p.pid" ] && kill "$(cat "$dir/$p.pid")" 2>/dev/null || true
  done
  ;;
esac
