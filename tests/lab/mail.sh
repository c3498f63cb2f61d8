#!/usr/bin/env bash
# The mail lab: Dovecot (IMAP) and Postfix (submission -> Dovecot LMTP) on
# loopback, TLS 1.3 only, with a certificate generated at start-up.
#
#   tests/lab/mail.sh up [BASE]               start (BASE default /tmp/drawbridge-mail-lab)
#   tests/lab/mail.sh down [BASE]             stop
#   tests/lab/mail.sh restart-dovecot [BASE]  kill and start Dovecot again (tests use it)
#   tests/lab/mail.sh stop-dovecot|start-dovecot [BASE]
#
# Ports (loopback only): IMAPS 10993, IMAP+STARTTLS 10143, submission 10587,
# SMTP 10025, LMTP 10024, Dovecot auth for Postfix 10345.
# Users (password = "<local part>-pw"): gw1..gw4@corp.example (gateway
# mailboxes, one per test), rec1..rec2@corp.example (the recovery tests'
# mailboxes), analyst@mssp.example.net (the MSSP).
set -euo pipefail
ACTION=${1:-up}
R=${2:-/tmp/drawbridge-mail-lab}

waitport() { for _ in $(seq 1 1000); do (echo >/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.01; done; echo "port $1 did not open" >&2; return 1; }

start_dovecot() {
  mkdir -p "$R/dovecot/run" "$R/dovecot/state"
  dovecot -F -c "$R/dovecot/dovecot.conf" > "$R/dovecot/stdout" 2>&1 &
  echo $! > "$R/pids/dovecot"
  waitport 10993; waitport 10143; waitport 10345
}

stop_dovecot() {
  if [ -f "$R/pids/dovecot" ]; then
    local pid; pid=$(cat "$R/pids/dovecot")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
    rm -f "$R/pids/dovecot"
  fi
}

start_postfix() {
  local P=$R/postfix
  # Postfix waits ~2 s while its config files look freshly written.
  touch -d '-10 sec' "$P/etc/main.cf" "$P/etc/master.cf"
  postfix -c "$P/etc" start-fg > "$P/start-fg.out" 2>&1 &
  echo $! > "$R/pids/postfix"
  waitport 10587 || { cat "$P/start-fg.out" "$P/postfix.log" >&2 2>/dev/null; exit 1; }
}

stop_postfix() {
  postfix -c "$R/postfix/etc" stop >/dev/null 2>&1 || true
  if [ -f "$R/pids/postfix" ]; then
    local pid; pid=$(cat "$R/pids/postfix")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 250); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
    rm -f "$R/pids/postfix"
  fi
  for _ in $(seq 1 250); do (echo >/dev/tcp/127.0.0.1/10587) 2>/dev/null || return 0; sleep 0.02; done
}

up() {
  command -v dovecot >/dev/null && command -v postfix >/dev/null || {
    echo "mail.sh: dovecot and postfix are missing; run 'make deps' (or .ci/run) first" >&2; exit 1; }
  down >/dev/null 2>&1 || true
  for port in 10993 10143 10587 10025 10024 10345; do
    if (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
      echo "mail.sh: port $port is already in use (another mail lab? stop it with: $0 down ITS_BASE)" >&2; exit 1
    fi
  done
  rm -rf "$R"; mkdir -p "$R"/{tls,dovecot,mail,postfix/etc,postfix/spool,postfix/data,pids}
  # A small internal PKI: a CA (what clients trust) and a server certificate it signs.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 -subj "/CN=Drawbridge Lab CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$R/tls/ca.key" -out "$R/tls/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
    -keyout "$R/tls/key.pem" -out "$R/tls/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' > "$R/tls/server.ext"
  openssl x509 -req -in "$R/tls/server.csr" -CA "$R/tls/ca.pem" -CAkey "$R/tls/ca.key" -CAcreateserial -days 7 \
    -extfile "$R/tls/server.ext" -out "$R/tls/cert.pem" 2>/dev/null
  cat "$R/tls/cert.pem" "$R/tls/ca.pem" > "$R/tls/chain.pem"
  chmod 644 "$R/tls/ca.pem" "$R/tls/cert.pem" "$R/tls/chain.pem"

  cat > "$R/dovecot/dovecot.conf" <<CONF
base_dir = $R/dovecot/run
state_dir = $R/dovecot/state
log_path = $R/dovecot/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = required
ssl_cert = <$R/tls/chain.pem
ssl_key = <$R/tls/key.pem
ssl_min_protocol = TLSv1.3
disable_plaintext_auth = yes
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $R/dovecot/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $R/dovecot/users
  default_fields = uid=nobody gid=nogroup home=$R/mail/%u
}
service imap-login {
  inet_listener imap {
    port = 10143
  }
  inet_listener imaps {
    port = 10993
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = 10024
  }
}
service auth {
  inet_listener sasl {
    address = 127.0.0.1
    port = 10345
  }
}
protocol lmtp {
  postmaster_address = postmaster@corp.example
}
CONF
  : > "$R/dovecot/users"
  for u in gw1@corp.example gw2@corp.example gw3@corp.example gw4@corp.example rec1@corp.example rec2@corp.example mssp-requests@corp.example analyst@mssp.example.net; do
    echo "$u:{PLAIN}${u%@*}-pw::::::" >> "$R/dovecot/users"
  done
  chown nobody:nogroup "$R/mail"
  start_dovecot

  local P=$R/postfix C="postconf -c $R/postfix/etc"
  cp /etc/postfix/master.cf.proto "$P/etc/master.cf"; touch "$P/etc/main.cf"; chown postfix "$P/data"
  $C -e compatibility_level=3.6 config_directory=$P/etc queue_directory=$P/spool data_directory=$P/data \
    meta_directory=/etc/postfix mail_owner=postfix setgid_group=postdrop \
    myhostname=mail.corp.example mydomain=corp.example myorigin=corp.example \
    mydestination= inet_interfaces=127.0.0.1 inet_protocols=ipv4 mynetworks=127.0.0.0/8 \
    maillog_file=$P/postfix.log maillog_file_prefixes=$R alias_maps= alias_database= local_recipient_maps= \
    'virtual_mailbox_domains=corp.example mssp.example.net' virtual_transport=lmtp:inet:127.0.0.1:10024 \
    message_size_limit=52428800 queue_run_delay=1s minimal_backoff_time=1s maximal_backoff_time=5s \
    smtpd_tls_chain_files=$R/tls/key.pem,$R/tls/chain.pem smtpd_tls_security_level=may \
    'smtpd_tls_protocols=>=TLSv1.3' 'smtpd_tls_mandatory_protocols=>=TLSv1.3' \
    smtpd_sasl_type=dovecot smtpd_sasl_path=inet:127.0.0.1:10345 \
    'smtpd_relay_restrictions=permit_mynetworks,permit_sasl_authenticated,reject_unauth_destination'
  $C -F '*/*/chroot=n'
  $C -MX smtp/inet
  $C -M "127.0.0.1:10025/inet=127.0.0.1:10025 inet n - n - - smtpd"
  $C -M "127.0.0.1:10587/inet=127.0.0.1:10587 inet n - n - - smtpd"
  $C -P "127.0.0.1:10587/inet/syslog_name=postfix/submission" "127.0.0.1:10587/inet/smtpd_tls_security_level=encrypt" \
        "127.0.0.1:10587/inet/smtpd_sasl_auth_enable=yes" "127.0.0.1:10587/inet/smtpd_tls_auth_only=yes" \
        "127.0.0.1:10587/inet/smtpd_client_restrictions=permit_sasl_authenticated,reject" \
        "127.0.0.1:10587/inet/smtpd_relay_restrictions=permit_sasl_authenticated,reject"
  start_postfix
  echo "mail lab up in $R (IMAPS 127.0.0.1:10993, submission 127.0.0.1:10587, CA $R/tls/ca.pem)"
}

down() {
  stop_postfix
  stop_dovecot
  echo "mail lab stopped"
}

case "$ACTION" in
  up) up ;;
  down) down ;;
  restart-dovecot) stop_dovecot; start_dovecot ;;
  stop-dovecot) stop_dovecot ;;
  start-dovecot) start_dovecot ;;
  stop-postfix) stop_postfix ;;
  start-postfix) start_postfix ;;
  *) echo "usage: $0 up|down|restart-dovecot|stop-dovecot|start-dovecot|stop-postfix|start-postfix [BASE]" >&2; exit 2 ;;
esac
