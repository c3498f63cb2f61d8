#!/usr/bin/env bash
# The directory lab: a real Samba AD DC (domain CORP, realm CORP.EXAMPLE.TEST)
# on loopback, LDAPS on 127.0.0.1:636 with a certificate from the lab's own CA,
# seeded with the fictional company from `drawbridge-lab ldif`.
#
#   tests/lab/directory.sh up [BASE] [LDIF]   provision, start, load LDIF (default BASE /tmp/drawbridge-directory-lab)
#   tests/lab/directory.sh down [BASE]        stop
#
# Administrator password: Passw0rd!Admin (bind as Administrator@corp.example.test).
# A provisioned template is cached in BASE.tpl.tar, so a second start takes ~1 s.
set -euo pipefail
ACTION=${1:-up}
R=${2:-/tmp/drawbridge-directory-lab}
LDIF=${3:-}
ADMIN_PW='Passw0rd!Admin'
S=$R/samba

ldaps() { LDAPTLS_CACERT=$R/tls/ca.pem "$@" -H ldaps://127.0.0.1 -x -D Administrator@corp.example.test -w "$ADMIN_PW"; }

tls() {
  mkdir -p "$R/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 -subj "/CN=Drawbridge Directory Lab CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$R/tls/ca.key" -out "$R/tls/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
    -keyout "$R/tls/key.pem" -out "$R/tls/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,DNS:dc1.corp.example.test,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' > "$R/tls/server.ext"
  openssl x509 -req -in "$R/tls/server.csr" -CA "$R/tls/ca.pem" -CAkey "$R/tls/ca.key" -CAcreateserial -days 7 \
    -extfile "$R/tls/server.ext" -out "$R/tls/cert.pem" 2>/dev/null
  chmod 600 "$R/tls/key.pem"
}

up() {
  command -v samba >/dev/null && command -v samba-tool >/dev/null && command -v ldapadd >/dev/null || {
    echo "directory.sh: samba and ldap-utils are missing; run 'make deps' first" >&2; exit 1; }
  down >/dev/null 2>&1 || true
  if (echo >/dev/tcp/127.0.0.1/636) 2>/dev/null; then
    echo "directory.sh: port 636 is already in use (another directory lab? stop it with: $0 down ITS_BASE)" >&2; exit 1
  fi
  rm -rf "$R"; mkdir -p "$R"
  tls
  if [ -f "$R.tpl.tar" ]; then
    tar -C "$R" -xf "$R.tpl.tar"
  else
    samba-tool domain provision --realm=CORP.EXAMPLE.TEST --domain=CORP --server-role=dc --dns-backend=NONE \
      --use-rfc2307 --adminpass="$ADMIN_PW" --host-name=dc1 --targetdir="$S" \
      --option="interfaces=lo" --option="bind interfaces only=yes" \
      --option="log file=$S/log/log.%m" --option="pid directory=$S/run" \
      --option="ncalrpc dir=$S/run/ncalrpc" --option="winbindd socket directory=$S/run/winbindd" \
      --option="ntp signd socket directory=$S/run/ntp_signd" \
      --option="server services=ldap,kdc" --option="dcerpc endpoint servers=" \
      --option="tls keyfile=$R/tls/key.pem" --option="tls certfile=$R/tls/cert.pem" --option="tls cafile=$R/tls/ca.pem" \
      > "$R/provision.log" 2>&1 || { tail -20 "$R/provision.log" >&2; exit 1; }
    tar -C "$R" -cf "$R.tpl.tar" samba
  fi
  mkdir -p "$S/log" "$S/run"
  samba -i -s "$S/etc/smb.conf" </dev/null > "$S/log/samba.stdout" 2>&1 &
  echo $! > "$R/samba.pid"
  for _ in $(seq 1 1500); do
    ldaps ldapsearch -s base -b '' dn >/dev/null 2>&1 && break
    sleep 0.02
  done
  ldaps ldapsearch -s base -b '' dn >/dev/null 2>&1 || { echo "directory.sh: Samba did not answer on LDAPS" >&2; tail -20 "$S/log/samba.stdout" >&2; exit 1; }
  if [ -n "$LDIF" ]; then
    ldaps ldapadd -f "$LDIF" > "$R/ldapadd.log" 2>&1 || { echo "directory.sh: loading $LDIF failed:" >&2; tail -5 "$R/ldapadd.log" >&2; exit 1; }
    lock_out t.locked 'Lab-Locked-Pw1!'
  fi
  echo "directory lab up in $R (LDAPS 127.0.0.1:636, CA $R/tls/ca.pem)"
}

# A real lockout, as AD computes it: give the account a password, set a
# lockout threshold of 3 and fail 3 binds (msDS-User-Account-Control-Computed
# then has UF_LOCKOUT and lockoutTime is set). Skipped when the LDIF has no such user.
lock_out() {
  local user=$1 pw=$2 conf=(-s "$S/etc/smb.conf" -H "$S/private/sam.ldb")
  ldaps ldapsearch -b "DC=corp,DC=example,DC=test" "(sAMAccountName=$user)" dn | grep -q '^dn:' || return 0
  samba-tool user setpassword "$user" --newpassword="$pw" "${conf[@]}" > "$R/lockout.log" 2>&1 &&
    samba-tool domain passwordsettings set --account-lockout-threshold=3 "${conf[@]}" >> "$R/lockout.log" 2>&1 ||
    { echo "directory.sh: cannot prepare the lockout of $user:" >&2; tail -5 "$R/lockout.log" >&2; exit 1; }
  for _ in 1 2 3 4; do
    LDAPTLS_CACERT=$R/tls/ca.pem ldapsearch -H ldaps://127.0.0.1 -x -D "$user@corp.example.test" -w 'wrong password' -s base -b '' dn >/dev/null 2>&1 || true
  done
}

down() {
  if [ -f "$R/samba.pid" ]; then
    pid=$(cat "$R/samba.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
    rm -f "$R/samba.pid"
  fi
  echo "directory lab stopped"
}

case "$ACTION" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down [BASE] [LDIF]" >&2; exit 2 ;;
esac
