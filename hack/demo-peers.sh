#!/usr/bin/env bash
# The demo mail world examples/smtpprobes.yaml probes, on loopback only, for `make run`:
#
#   dnsmasq  DEMO_ADDRESS:DEMO_DNS_PORT  serves *.test from its own records, forwards nothing
#   Postfix  DEMO_ADDRESS:2525           accepts user@contoso.test and user@fabrikam.test, discards all
#
#   contoso.test   MX mx.contoso.test  -> DEMO_ADDRESS   RCPT user@contoso.test    -> 250 (Accepted)
#   fabrikam.test  MX mx.fabrikam.test -> DEMO_ADDRESS   RCPT nobody@fabrikam.test -> 550 5.1.1 (RecipientUnknown)
#   nosuch.test    no records                            NXDOMAIN (DnsNameNotFound)
#   refused.test   MX mx.refused.test  -> 127.0.0.3      nothing listens there (ConnectRefused)
#
# DEMO_ADDRESS defaults to 127.0.0.2 rather than 127.0.0.1 so the demo does not collide with other
# local tools on 127.0.0.1:2525. Postfix's config mirrors src/test/java/.../testsupport/Postfix.java.
#
# Usage: hack/demo-peers.sh start    (re)start both; prints the resolver as HOST:PORT on stdout
#        hack/demo-peers.sh stop     stop both and delete their state
#        hack/demo-peers.sh status   exit 0 when both run
# Needs root (Postfix's master runs as root) and hack/install-deps.sh.
set -euo pipefail

ADDRESS="${DEMO_ADDRESS:-127.0.0.2}"
DNS_PORT="${DEMO_DNS_PORT:-5353}"
SMTP_PORT=2525
REFUSED_ADDRESS=127.0.0.3
# Postfix daemons run as the postfix user and must traverse into the state directory, so not under /root.
STATE="${DEMO_STATE:-/tmp/smtp-probe-demo-peers}"
MASTER=/usr/lib/postfix/sbin/master
DNSMASQ=/usr/sbin/dnsmasq

log() { echo "demo-peers: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "$ADDRESS" in 127.*) ;; *) die "DEMO_ADDRESS must be a loopback address, got $ADDRESS" ;; esac

# A pid file only counts while its process is still the program we started.
running_pid() { # <name> <program>
  local pidfile="$STATE/$1.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(tr -d ' \n' < "$pidfile")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "$2" && echo "$pid"
}

stop_group() { # <name> <program>: the process was started with setsid, so its group is exactly its tree
  local pid
  pid="$(running_pid "$1" "$2")" || return 0
  log "stopping $1 (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  # Postfix children exit on their own once master is gone; wait so the port is free for a restart.
  for _ in $(seq 1 50); do
    pgrep -g "$pid" >/dev/null 2>&1 || break
    sleep 0.1
  done
}

stop() {
  stop_group postfix "$MASTER"
  stop_group dnsmasq "$DNSMASQ"
  rm -rf "$STATE"
}

queue_dir() { # <dir> <owner> <group> <mode>
  mkdir -p "$1" && chown "$2:$3" "$1" && chmod "$4" "$1"
}

write_postfix_config() {
  local conf="$STATE/postfix/conf" base="$STATE/postfix"
  mkdir -p "$conf"
  cat > "$conf/recipients" <<EOF
user@contoso.test ok
user@fabrikam.test ok
EOF
  cat > "$conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $base/queue
data_directory = $base/data
maillog_file = $base/maillog
maillog_file_prefixes = $base
myhostname = mx.contoso.test
myorigin = \$myhostname
# Nothing is local: no passwd or aliases lookups, no local delivery.
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# No resolver: names are never looked up, in either direction.
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
# Every transport discards: accepted mail, bounces and DSNs included, never leaves.
default_transport = discard
relay_transport = discard
local_transport = discard
virtual_transport = discard
content_filter =
relay_domains =
virtual_alias_maps =
virtual_mailbox_domains = contoso.test fabrikam.test
virtual_mailbox_maps = texthash:$conf/recipients
smtpd_relay_restrictions = reject_unauth_destination
smtpd_tls_security_level = none
biff = no
EOF
  # One smtpd on the demo address and no smtp/relay/local/virtual delivery agents at all.
  cat > "$conf/master.cf" <<EOF
$ADDRESS:$SMTP_PORT inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
  # Postfix re-reads config files until their mtime is in the past; backdating saves seconds.
  touch -d '1 minute ago' "$conf"/*
  queue_dir "$base/queue" root root 755
  queue_dir "$base/queue/pid" root root 755
  for q in active bounce corrupt defer deferred flush hold incoming private saved trace; do
    queue_dir "$base/queue/$q" postfix root 700
  done
  queue_dir "$base/queue/maildrop" postfix postdrop 730
  queue_dir "$base/queue/public" postfix postdrop 710
  queue_dir "$base/data" postfix root 700
}

write_dnsmasq_config() {
  cat > "$STATE/dnsmasq.conf" <<EOF
mx-host=contoso.test,mx.contoso.test,10
host-record=mx.contoso.test,$ADDRESS
mx-host=fabrikam.test,mx.fabrikam.test,10
host-record=mx.fabrikam.test,$ADDRESS
mx-host=refused.test,mx.refused.test,10
host-record=mx.refused.test,$REFUSED_ADDRESS
EOF
}

smtp_greets() {
  local greeting
  exec 3<>"/dev/tcp/$ADDRESS/$SMTP_PORT" || return 1
  read -r -t 2 greeting <&3 || true
  printf 'QUIT\r\n' >&3
  exec 3>&-
  [[ "$greeting" == 220* ]]
}

dns_answers() {
  # dnsmasq is up once it has written its pid file and its port is bound.
  [ -s "$STATE/dnsmasq.pid" ] && ss -Hlun "src $ADDRESS:$DNS_PORT" | grep -q .
}

wait_for() { # <what> <log> <command...>
  local what="$1" logfile="$2" deadline=$((SECONDS + 20))
  shift 2
  until "$@" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { tail -20 "$logfile" >&2 || true; die "$what did not start (log: $logfile)"; }
    sleep 0.2
  done
}

start() {
  [ "$(id -u)" -eq 0 ] || die "needs root: Postfix's master runs as root"
  [ -x "$MASTER" ] && [ -x "$DNSMASQ" ] || die "Postfix or dnsmasq missing: run hack/install-deps.sh"
  stop
  mkdir -p "$STATE"
  chmod 755 "$STATE"
  write_postfix_config
  write_dnsmasq_config
  if ss -Hltn "src $ADDRESS:$SMTP_PORT" | grep -q .; then
    die "$ADDRESS:$SMTP_PORT is in use; set DEMO_ADDRESS to another 127.x address"
  fi

  log "starting dnsmasq on $ADDRESS:$DNS_PORT (zone .test, no forwarding)"
  setsid "$DNSMASQ" --conf-file="$STATE/dnsmasq.conf" --no-resolv --no-hosts --no-daemon --bind-interfaces \
    --listen-address="$ADDRESS" --port="$DNS_PORT" --local=/test/ --user=root \
    --pid-file="$STATE/dnsmasq.pid" --log-queries --log-facility=- \
    > "$STATE/dnsmasq.log" 2>&1 < /dev/null &
  # --no-daemon writes the pid file itself, but record the pid we know now in case it dies early.
  echo $! > "$STATE/dnsmasq.pid"
  wait_for dnsmasq "$STATE/dnsmasq.log" dns_answers

  log "starting Postfix on $ADDRESS:$SMTP_PORT (discards everything)"
  setsid "$MASTER" -c "$STATE/postfix/conf" -d > "$STATE/postfix/master.out" 2>&1 < /dev/null &
  echo $! > "$STATE/postfix.pid"
  wait_for Postfix "$STATE/postfix/maillog" smtp_greets
  echo "$ADDRESS:$DNS_PORT"
}

case "${1:-}" in
  start) start ;;
  stop) stop; log "stopped" ;;
  status)
    if running_pid postfix "$MASTER" >/dev/null && running_pid dnsmasq "$DNSMASQ" >/dev/null; then
      log "running: dns $ADDRESS:$DNS_PORT, smtp $ADDRESS:$SMTP_PORT"
    else
      log "not running"; exit 1
    fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
