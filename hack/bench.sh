#!/usr/bin/env bash
# Benchmarks one SMTP probe dialogue per tool against smtp-sink on loopback: Postfix's smtp-source,
# prometheus blackbox_exporter (driven over HTTP by bench/driver), and our engine once
# io.smtpprobe.bench.EngineBench exists. Prints a table and writes target/bench/results.json.
#
# Usage: hack/bench.sh            (about 1-3 minutes on 2 cores)
#   BENCH_N=20000                 dialogues per run at concurrency > 1 (concurrency 1 runs N/5)
#   BENCH_CONCURRENCY="1 64 256"
#   BENCH_SINK_PORT=2525 BENCH_EXPORTER_PORT=19115
#
# Engine hook contract: `java -cp <app> io.smtpprobe.bench.EngineBench --target HOST:PORT
# --concurrency C --count N` runs the EHLO/MAIL/RCPT/QUIT dialogue N times, C at a time, and prints
# one JSON line with at least "rate", "p50Ms", "p99Ms" (and "failed"); this script measures its CPU.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_N:-20000}
CONCURRENCY=${BENCH_CONCURRENCY:-"1 64 256"}
SINK_PORT=${BENCH_SINK_PORT:-2525}
EXPORTER_PORT=${BENCH_EXPORTER_PORT:-19115}
RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-90}
HOST=127.0.0.1
OUT=target/bench
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
CLK_TCK=$(getconf CLK_TCK)
export TIMEFORMAT='%R %U %S'   # bash `time`: wall, user, sys seconds of the command and its children

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

log() { printf '%s\n' "$*" >&2; }

install_packages() {
  local need=() pkg
  for pkg in postfix prometheus-blackbox-exporter; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=; [ "$(id -u)" -ne 0 ] && sudo=sudo
  log "installing ${need[*]}"
  # Neither may come up as a system service: Postfix stays unconfigured, and a denying policy-rc.d
  # keeps the exporter's package from starting a daemon on all interfaces.
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  local own_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || { [ -n "$own_policy" ] && $sudo rm -f /usr/sbin/policy-rc.d; return 1; }
  [ -n "$own_policy" ] && $sudo rm -f /usr/sbin/policy-rc.d
  return 0
}

build_driver() {
  local bin=$OUT/driver
  if [ ! -x "$bin" ] || [ -n "$(find bench/driver -newer "$bin" -type f)" ]; then
    log "building bench/driver"
    (cd bench/driver && GOTOOLCHAIN=local "$GO" build -o "../../$bin" .)
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

await_port() {
  local i
  for i in $(seq 100); do
    port_in_use "$1" && return 0
    sleep 0.05
  done
  log "nothing listens on $HOST:$1"; return 1
}

# utime+stime of a live process, in milliseconds.
cpu_ms() {
  local fields
  read -r -a fields < <(sed 's/.*) //' "/proc/$1/stat")
  echo $(( (fields[11] + fields[12]) * 1000 / CLK_TCK ))
}

start_sink() {
  port_in_use "$SINK_PORT" && { log "$HOST:$SINK_PORT is already taken"; exit 1; }
  # -a -C -F: no AUTH/XCLIENT/XFORWARD, so the EHLO reply is a plain MX's: PIPELINING 8BITMIME
  # ENHANCEDSTATUSCODES DSN. -m: concurrency far above the largest run; backlog 1024.
  smtp-sink -a -C -F -u nobody -m 4096 "$HOST:$SINK_PORT" 1024 &
  sink_pid=$!
  pids+=("$sink_pid")
  await_port "$SINK_PORT"
}

start_exporter() {
  port_in_use "$EXPORTER_PORT" && { log "$HOST:$EXPORTER_PORT is already taken"; exit 1; }
  prometheus-blackbox-exporter --config.file=bench/blackbox-smtp.yml \
    --web.listen-address="$HOST:$EXPORTER_PORT" --log.level=warn >"$OUT/exporter.log" 2>&1 &
  exporter_pid=$!
  pids+=("$exporter_pid")
  await_port "$EXPORTER_PORT"
  local smoke
  smoke=$("$OUT/driver" -url "$probe_url" -n 1 -c 1)
  [ "$(field "$smoke" failed)" = 0 ] || { log "blackbox probe of the sink fails: $smoke"; exit 1; }
}

rows=()
# add_row tool concurrency dialogues seconds failed p50|null p99|null tool_cpu_ms sink_cpu_ms [driver_cpu_ms]
add_row() {
  local fields=("$@")
  [ $# -lt 10 ] && fields+=(null)
  rows+=("${fields[*]}")
}

# smtp-source has no way to skip DATA: each dialogue is HELO (not EHLO), MAIL, RCPT, DATA with a
# headers-only message, QUIT. It reports no latencies.
run_smtp_source() {
  local c=$1 n=$2 sink0 times
  sink0=$(cpu_ms "$sink_pid")
  times=$( { time timeout "$RUN_TIMEOUT" smtp-source -s "$c" -m "$n" -M probe.example \
      -f probe@example.com -t user@example.net "$HOST:$SINK_PORT" >/dev/null 2>"$OUT/smtp-source-$c.log"; } 2>&1 )
  read -r wall user sys <<<"$times"
  add_row smtp-source "$c" "$n" "$wall" 0 null null \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN{print (u+s)*1000}')" $(( $(cpu_ms "$sink_pid") - sink0 ))
}

run_blackbox() {
  local c=$1 n=$2 sink0 exp0 json times
  sink0=$(cpu_ms "$sink_pid")
  exp0=$(cpu_ms "$exporter_pid")
  times=$( { time timeout "$RUN_TIMEOUT" "$OUT/driver" -url "$probe_url" -n "$n" -c "$c" \
      >"$OUT/driver-$c.json"; } 2>&1 )
  read -r wall user sys <<<"$times"
  json=$(cat "$OUT/driver-$c.json")
  add_row blackbox_exporter "$c" "$n" "$(field "$json" seconds)" "$(field "$json" failed)" \
    "$(field "$json" p50Ms)" "$(field "$json" p99Ms)" \
    $(( $(cpu_ms "$exporter_pid") - exp0 )) $(( $(cpu_ms "$sink_pid") - sink0 )) \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN{print (u+s)*1000}')"
}

engine_classpath() {
  local app=target/quarkus-app
  [ -d "$app" ] || return 1
  if [ -f target/classes/io/smtpprobe/bench/EngineBench.class ] \
      || unzip -l "$app"/app/*.jar 2>/dev/null | grep -q 'io/smtpprobe/bench/EngineBench.class'; then
    echo "$app/app/*:$app/lib/main/*"
    return 0
  fi
  return 1
}

run_engine() {
  local c=$1 n=$2 cp=$3 sink0 times json
  sink0=$(cpu_ms "$sink_pid")
  # Bash `time` covers the whole JVM, start-up and JIT included: an upper bound on the engine's cost.
  times=$( { time timeout "$RUN_TIMEOUT" java -cp "$cp" io.smtpprobe.bench.EngineBench \
      --target "$HOST:$SINK_PORT" --concurrency "$c" --count "$n" >"$OUT/engine-$c.json"; } 2>&1 )
  read -r wall user sys <<<"$times"
  json=$(tail -n 1 "$OUT/engine-$c.json")
  local rate; rate=$(field "$json" rate)
  add_row engine "$c" "$n" "$(awk -v n="$n" -v r="$rate" 'BEGIN{printf "%.3f", n/r}')" \
    "$(field "$json" failed 0)" "$(field "$json" p50Ms)" "$(field "$json" p99Ms)" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN{print (u+s)*1000}')" $(( $(cpu_ms "$sink_pid") - sink0 ))
}

# field JSON NAME [DEFAULT]: a numeric field of a flat JSON object.
field() {
  local v
  v=$(grep -o "\"$2\":[-0-9.eE+]*" <<<"$1" | head -n 1 | cut -d: -f2)
  echo "${v:-${3:-null}}"
}

report() {
  local row tool c n secs failed p50 p99 cpu sink driver first=1
  printf '\n%-18s %5s %7s %10s %9s %9s %12s %12s %12s %6s\n' tool conc dialogs "rate/s" "p50 ms" "p99 ms" \
    "cpu ms/dlg" "sink ms/dlg" "drv ms/dlg" failed
  {
    printf '{\n  "dialogue": "banner, EHLO, MAIL FROM, RCPT TO, QUIT (smtp-source: HELO instead of EHLO, plus DATA with a headers-only message)",\n'
    printf '  "sink": "smtp-sink %s:%s",\n  "results": [\n' "$HOST" "$SINK_PORT"
  } >"$OUT/results.json"
  for row in "${rows[@]}"; do
    read -r tool c n secs failed p50 p99 cpu sink driver <<<"$row"
    local rate cpu_per sink_per driver_per=null
    rate=$(awk -v n="$n" -v s="$secs" 'BEGIN{printf "%.1f", n/s}')
    cpu_per=$(awk -v c="$cpu" -v n="$n" 'BEGIN{printf "%.4f", c/n}')
    sink_per=$(awk -v c="$sink" -v n="$n" 'BEGIN{printf "%.4f", c/n}')
    [ "$driver" != null ] && driver_per=$(awk -v c="$driver" -v n="$n" 'BEGIN{printf "%.4f", c/n}')
    printf '%-18s %5s %7s %10s %9s %9s %12s %12s %12s %6s\n' "$tool" "$c" "$n" "$rate" "$p50" "$p99" \
      "$cpu_per" "$sink_per" "$driver_per" "$failed"
    [ -z "$first" ] && printf ',\n' >>"$OUT/results.json"
    first=
    printf '    {"scenario": "ehlo-mail-rcpt-quit", "tool": "%s", "concurrency": %s, "dialogues": %s, "failed": %s, "seconds": %s, "rate": %s, "p50": %s, "p99": %s, "cpuMsPerDialogue": %s, "sinkCpuMsPerDialogue": %s, "driverCpuMsPerDialogue": %s}' \
      "$tool" "$c" "$n" "$failed" "$secs" "$rate" "$p50" "$p99" "$cpu_per" "$sink_per" "$driver_per" >>"$OUT/results.json"
  done
  printf '\n  ]\n}\n' >>"$OUT/results.json"
  log ""
  log "p50/p99 in ms; cpu = the tool's user+sys CPU, sink = smtp-sink's, drv = the HTTP load driver's."
  log "Written to $OUT/results.json"
}

mkdir -p "$OUT"
install_packages
build_driver
probe_url="http://$HOST:$EXPORTER_PORT/probe?module=smtp&target=$HOST:$SINK_PORT"
start_sink
start_exporter
engine_cp=$(engine_classpath) || { engine_cp=; log "engine: not built"; }

for c in $CONCURRENCY; do
  n=$N
  [ "$c" -eq 1 ] && n=$(( N / 5 ))
  log "concurrency $c, $n dialogues"
  run_smtp_source "$c" "$n"
  run_blackbox "$c" "$n"
  [ -n "$engine_cp" ] && run_engine "$c" "$n" "$engine_cp"
done
report
