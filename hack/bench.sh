#!/usr/bin/env bash
# Benchmarks the probe engine against its peers, all on loopback:
#  1. dialogue: one EHLO/MAIL/RCPT/QUIT dialogue per connection against smtp-sink, by Postfix's
#     smtp-source, by prometheus blackbox_exporter (driven over HTTP by bench/driver) and by our
#     engine (EngineBench, from the test classes on the packaged jars), at each concurrency;
#  2. tarpit: 10,000 probes held open at once against bench/peer in tarpit mode, engine heap capped
#     at 128 MiB: each must end as BannerTimeout on time, with no blocked-thread warning;
#  3. politeness: 1,000 domains sharing one MX (bench/peer in counting SMTP mode) through the real
#     DefaultProbeRunner: the peer must never see more connections than the per-host limit;
#  4. check start: one `check` run start to exit (`java -jar quarkus-run.jar check` and bin/check) beside
#     swaks and check_smtp, each doing EHLO/MAIL/RCPT/QUIT against the same smtp-sink, with hyperfine;
#  5. operator scale: BENCH_OPERATOR_RESOURCES (5000; 0 skips) SmtpProbes on the real kube-apiserver
#     (OperatorScaleBench): status writes per cycle, first-status latency, lateness, heap.
#  6. soak: BENCH_SOAK_SECONDS (600; 0 skips) with BENCH_SOAK_RESOURCES (1000) SmtpProbes on the real
#     kube-apiserver, all pointed at a hostile server (one byte a second, endless replies, overlong lines,
#     garbage codes) with BENCH_SOAK_SESSIONS (500) probe slots, the operator at the chart's heap
#     (-Xmx384m; SoakBench): heap over time, blocked-thread warnings, lost status writes.
#     BENCH_SOAK_ONLY=true runs only this scenario (e.g. BENCH_SOAK_SECONDS=120 to try it).
#  7. sharding: BENCH_SHARD_RESOURCES (15000; 0 skips) SmtpProbes, interval BENCH_SHARD_INTERVAL (300 s), shared
#     by 3 operator replicas on the real kube-apiserver (ShardingBench): spread, takeover on SIGKILL and SIGTERM,
#     resources probed twice in an interval or left unprobed, status writes per probe. Four intervals long.
#  8. DATA like for like: the engine with DATA against smtp-source (which always sends DATA), the same message
#     bytes and smtp-sink, at c=64 and 256, plus the engine without DATA: ratios and CPU per dialogue.
#     BENCH_DATA_ONLY=true runs only this scenario (BENCH_DATA_BYTES=1024 body, BENCH_DATA_N=$BENCH_N dialogues).
#  9. status heartbeat: BENCH_HEARTBEAT_RESOURCES (200; 0 skips) healthy SmtpProbes on the real kube-apiserver, status
#     writes per probe without and with smtpprobe.status-heartbeat (StatusHeartbeatBench).
# 10. fleet: live heap per 1,000 cached SmtpProbes, trimmed and whole (FleetBench at BENCH_FLEET_COUNTS, 2000,5000),
#     then BENCH_FLEET_RESOURCES (20000; 0 skips) SmtpProbes on one replica at -Xmx384m (OperatorScaleBench, interval
#     BENCH_FLEET_INTERVAL, 300 s): first status p99, probe end to status seen p99, writes per cycle, live heap.
#     BENCH_FLEET_ONLY=true runs only this scenario.
# Prints a table with the engine's ratios to the peers, writes target/bench/results.json and
# target/bench/table.md. About 25 minutes on 2 cores: a third of the first 15 the operator scale run, then the 10-minute soak.
#
# Usage: hack/bench.sh
#   BENCH_N=20000                 dialogues per run at concurrency > 1 (concurrency 1 runs N/5)
#   BENCH_CONCURRENCY="1 64 256 4096"
#   BENCH_ROUNDS=3                rounds of the dialogue runs; the tools take turns within a round, and
#                                 each ratio is the median of the per-round ratios (the machine is shared)
#   BENCH_CHECK_RUNS=20            timed runs of each tool in the check start scenario (after 3 warm-ups)
#   BENCH_TARPIT_PROBES=10000 BENCH_POLITE_DOMAINS=1000 BENCH_PER_HOST=4
#   BENCH_SINK_PORT=2525 BENCH_TARPIT_PORT=2526 BENCH_POLITE_PORT=2527 BENCH_EXPORTER_PORT=19115
#   BENCH_SOAK_SECONDS=600 BENCH_SOAK_RESOURCES=1000 BENCH_SOAK_SESSIONS=500 BENCH_SOAK_ONLY=false
#
# Engine hook contract: `java -cp target/test-classes:target/check/check.jar io.smtpprobe.bench.EngineBench
# --target HOST:PORT --concurrency C --count N` (the benchmarks are test code, not in the product jar;
# check.jar's class path is the packaged jars) warms up until the JIT is quiet, then runs the dialogue N times, C at
# a time, and prints one JSON line with "rate", "p50Ms", "p99Ms", "cpuMsPerDialogue" (its process
# CPU over the measured window), "warmupDialogues" and the reasons; this script also measures the
# whole process's CPU, start-up and JIT included.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_N:-20000}
ROUNDS=${BENCH_ROUNDS:-3}
CONCURRENCY=${BENCH_CONCURRENCY:-"1 64 256 4096"}
TARPIT_PROBES=${BENCH_TARPIT_PROBES:-10000}
POLITE_DOMAINS=${BENCH_POLITE_DOMAINS:-1000}
PER_HOST=${BENCH_PER_HOST:-4}
SINK_PORT=${BENCH_SINK_PORT:-2525}
TARPIT_PORT=${BENCH_TARPIT_PORT:-2526}
POLITE_PORT=${BENCH_POLITE_PORT:-2527}
EXPORTER_PORT=${BENCH_EXPORTER_PORT:-19115}
RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-90}
HOST=127.0.0.1
OUT=target/bench
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
CLK_TCK=$(getconf CLK_TCK)
CHECK_RUNS=${BENCH_CHECK_RUNS:-20}
CHECK_SMTP=/usr/lib/nagios/plugins/check_smtp
# The engine as packaged (check.jar's manifest class path) plus the benchmark classes. Vert.x and Netty log
# to JUL (stderr), where the blocked-thread warnings are counted; SLF4J's only binding needs Quarkus's launcher.
ENGINE=(-cp target/test-classes:target/check/check.jar
  -Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.JULLogDelegateFactory
  -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -Dslf4j.internal.verbosity=WARN
  io.smtpprobe.bench.EngineBench)
# 10,000 probes in flight need as many descriptors in the engine and in the peer
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
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
  for pkg in postfix prometheus-blackbox-exporter swaks monitoring-plugins-basic hyperfine time; do
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

build_go() {
  local name=$1 bin=$OUT/$1
  if [ ! -x "$bin" ] || [ -n "$(find "bench/$name" -newer "$bin" -type f)" ]; then
    log "building bench/$name"
    (cd "bench/$name" && GOTOOLCHAIN=local "$GO" build -o "../../$bin" .)
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

rows=() round=1
# add_row (prefixed with the current round) tool concurrency dialogues seconds failed p50|null p99|null tool_cpu_ms sink_cpu_ms
#         [driver_cpu_ms [process_cpu_ms [peak_heap_mib]]]
add_row() {
  local fields=("$@")
  while [ ${#fields[@]} -lt 12 ]; do fields+=(null); done
  rows+=("$round ${fields[*]}")
}

# smtp-source has no way to skip DATA: each dialogue is HELO (not EHLO), MAIL, RCPT, DATA with a
# headers-only message, QUIT. It reports no latencies.
run_smtp_source() {
  local c=$1 n=$2 sink0 times
  sink0=$(cpu_ms "$sink_pid")
  times=$( { time timeout "$RUN_TIMEOUT" smtp-source -s "$c" -m "$n" -M probe.example \
      -f probe@example.com -t user@example.net "$HOST:$SINK_PORT" >/dev/null 2>"$OUT/smtp-source-$c-r$round.log"; } 2>&1 )
  read -r wall user sys <<<"$times"
  add_row smtp-source "$c" "$n" "$wall" 0 null null \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN{print (u+s)*1000}')" $(( $(cpu_ms "$sink_pid") - sink0 ))
}

run_blackbox() {
  local c=$1 n=$2 sink0 exp0 json times
  sink0=$(cpu_ms "$sink_pid")
  exp0=$(cpu_ms "$exporter_pid")
  times=$( { time timeout "$RUN_TIMEOUT" "$OUT/driver" -url "$probe_url" -n "$n" -c "$c" \
      >"$OUT/driver-$c-r$round.json"; } 2>&1 )
  read -r wall user sys <<<"$times"
  json=$(cat "$OUT/driver-$c-r$round.json")
  add_row blackbox_exporter "$c" "$n" "$(field "$json" seconds)" "$(field "$json" failed)" \
    "$(field "$json" p50Ms)" "$(field "$json" p99Ms)" \
    $(( $(cpu_ms "$exporter_pid") - exp0 )) $(( $(cpu_ms "$sink_pid") - sink0 )) \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN{print (u+s)*1000}')"
}

run_engine() {
  local c=$1 n=$2 sink0 times json
  sink0=$(cpu_ms "$sink_pid")
  times=$( { time timeout "$RUN_TIMEOUT" java "${ENGINE[@]}" \
      --target "$HOST:$SINK_PORT" --concurrency "$c" --count "$n" >"$OUT/engine-$c-r$round.json" 2>"$OUT/engine-$c-r$round.log"; } 2>&1 ) || true
  read -r wall user sys <<<"$times"
  json=$(tail -n 1 "$OUT/engine-$c-r$round.json")
  local rate warm; rate=$(field "$json" rate); warm=$(field "$json" warmupDialogues 0)
  # the sink also served the warm-up: its CPU is shared out over every dialogue it saw
  add_row engine "$c" "$n" "$(awk -v n="$n" -v r="$rate" 'BEGIN{printf "%.3f", n/r}')" \
    "$(field "$json" failed 0)" "$(field "$json" p50Ms)" "$(field "$json" p99Ms)" \
    "$(awk -v c="$(field "$json" cpuMsPerDialogue)" -v n="$n" 'BEGIN{print c*n}')" \
    "$(awk -v s=$(( $(cpu_ms "$sink_pid") - sink0 )) -v n="$n" -v w="$warm" 'BEGIN{printf "%.0f", s*n/(n+w)}')" \
    null "$(awk -v u="$user" -v s="$sys" 'BEGIN{print (u+s)*1000}')" "$(field "$json" peakHeapMiB)"
}

# field JSON NAME [DEFAULT]: a numeric field of a flat JSON object.
field() {
  local v
  v=$(grep -o "\"$2\":[-0-9.eE+]*" <<<"$1" | head -n 1 | cut -d: -f2)
  echo "${v:-${3:-null}}"
}

# ratio A B: A/B with two decimals, or null
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "null" || b == "null" || b == 0) print "null"; else printf "%.2f", a/b }'; }

# verdict VALUE OP LIMIT: "met" or "MISSED (value vs limit)"
verdict() {
  if [ "$1" = null ]; then echo "not measured"; return; fi
  if awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN{ exit !((op == ">=") ? v >= l : v <= l) }'; then
    echo "met"
  else
    awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN{ printf "MISSED (%s, target %s %s, off by %.0f%%)", v, op, l, (op == ">=") ? (1 - v/l)*100 : (v/l - 1)*100 }'
  fi
}

# json_strings VALUE...: the values as comma-separated JSON strings (they hold no quotes)
json_strings() {
  local first=1 value
  for value in "$@"; do
    [ -z "$first" ] && printf ', '
    first=
    printf '"%s"' "$value"
  done
}

# median VALUE...: the median of the numeric values (nulls ignored), or null
median() {
  printf '%s\n' "$@" | { grep -v '^null$' || true; } | sort -g | awk '{a[NR]=$1} END{ if (NR == 0) print "null"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'
}

# spread VALUE...: "min-max" of the numeric values
spread() {
  printf '%s\n' "$@" | { grep -v '^null$' || true; } | sort -g | awk 'NR==1{lo=$1} {hi=$1} END{ if (NR == 0) print "null"; else printf "%s-%s\n", lo, hi }'
}

declare -A rate_of cpu_of p50_of p99_of
report() {
  local row r tool c n secs failed p50 p99 cpu sink driver proc heap first=1 md=$OUT/table.md
  {
    printf '{\n  "dialogue": "banner, EHLO, MAIL FROM, RCPT TO, QUIT (smtp-source: HELO instead of EHLO, plus DATA with a headers-only message)",\n'
    printf '  "sink": "smtp-sink %s:%s",\n  "rounds": %s,\n  "loadAverage": {"start": "%s", "end": "%s"},\n  "results": [\n' \
      "$HOST" "$SINK_PORT" "$ROUNDS" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)"
  } >"$OUT/results.json"
  printf '\n%5s %-18s %5s %7s %10s %9s %9s %11s %11s %11s %6s\n' round tool conc dialogs "rate/s" "p50 ms" "p99 ms" \
    "cpu ms/dlg" "sink ms/dlg" "drv ms/dlg" failed
  for row in "${rows[@]}"; do
    read -r r tool c n secs failed p50 p99 cpu sink driver proc heap <<<"$row"
    local rate cpu_per sink_per driver_per=null
    rate=$(awk -v n="$n" -v s="$secs" 'BEGIN{printf "%.1f", n/s}')
    cpu_per=$(awk -v c="$cpu" -v n="$n" 'BEGIN{printf "%.4f", c/n}')
    sink_per=$(awk -v c="$sink" -v n="$n" 'BEGIN{printf "%.4f", c/n}')
    [ "$driver" != null ] && driver_per=$(awk -v c="$driver" -v n="$n" 'BEGIN{printf "%.4f", c/n}')
    rate_of[$tool,$c,$r]=$rate
    cpu_of[$tool,$c,$r]=$cpu_per
    p50_of[$tool,$c,$r]=$p50
    p99_of[$tool,$c,$r]=$p99
    printf '%5s %-18s %5s %7s %10s %9s %9s %11s %11s %11s %6s\n' "$r" "$tool" "$c" "$n" "$rate" "$p50" "$p99" \
      "$cpu_per" "$sink_per" "$driver_per" "$failed"
    [ -z "$first" ] && printf ',\n' >>"$OUT/results.json"
    first=
    printf '    {"scenario": "ehlo-mail-rcpt-quit", "round": %s, "tool": "%s", "concurrency": %s, "dialogues": %s, "failed": %s, "seconds": %s, "rate": %s, "p50Ms": %s, "p99Ms": %s, "cpuMsPerDialogue": %s, "sinkCpuMsPerDialogue": %s, "driverCpuMsPerDialogue": %s, "processCpuMs": %s, "peakHeapMiB": %s}' \
      "$r" "$tool" "$c" "$n" "$failed" "$secs" "$rate" "$p50" "$p99" "$cpu_per" "$sink_per" "$driver_per" "$proc" "$heap" \
      >>"$OUT/results.json"
  done
  for row in "${scenario_rows[@]}"; do
    printf ',\n    %s' "$row" >>"$OUT/results.json"
  done

  # medians over the rounds; ratios are taken within a round (same machine state), then their median
  {
    printf '| tool | conc | rate/s (median of %s) | p50 ms | p99 ms | cpu ms/dlg |\n' "$ROUNDS"
    printf '|---|---:|---:|---:|---:|---:|\n'
  } >"$md"
  local targets=() k
  for c in $CONCURRENCY; do
    for tool in smtp-source blackbox_exporter engine; do
      local rates=() cpus=() p50s=() p99s=()
      for k in $(seq "$ROUNDS"); do
        rates+=("${rate_of[$tool,$c,$k]:-null}"); cpus+=("${cpu_of[$tool,$c,$k]:-null}")
        p50s+=("${p50_of[$tool,$c,$k]:-null}"); p99s+=("${p99_of[$tool,$c,$k]:-null}")
      done
      rate_of[$tool,$c]=$(median "${rates[@]}")
      cpu_of[$tool,$c]=$(median "${cpus[@]}")
      printf '| %s | %s | %s | %s | %s | %s |\n' "$tool" "$c" "${rate_of[$tool,$c]}" "$(median "${p50s[@]}")" \
        "$(median "${p99s[@]}")" "${cpu_of[$tool,$c]}" >>"$md"
    done
  done
  local r_bb r_ss bbs sss
  for c in $CONCURRENCY; do
    bbs=() sss=()
    for k in $(seq "$ROUNDS"); do
      bbs+=("$(ratio "${rate_of[engine,$c,$k]:-null}" "${rate_of[blackbox_exporter,$c,$k]:-null}")")
      sss+=("$(ratio "${rate_of[engine,$c,$k]:-null}" "${rate_of[smtp-source,$c,$k]:-null}")")
    done
    r_bb=$(median "${bbs[@]}")
    r_ss=$(median "${sss[@]}")
    ratios+=("c=$c: engine/blackbox_exporter ${r_bb}x (rounds $(spread "${bbs[@]}")), engine/smtp-source ${r_ss}x (rounds $(spread "${sss[@]}"))")
    if [ "$c" = 64 ] || [ "$c" = 256 ]; then
      targets+=("c=$c engine >= 2.5x blackbox_exporter: ${r_bb}x, $(verdict "$r_bb" '>=' 2.5)")
      targets+=("c=$c engine >= 0.8x smtp-source: ${r_ss}x, $(verdict "$r_ss" '>=' 0.8)")
      targets+=("c=$c engine CPU <= 0.3 ms/dialogue: ${cpu_of[engine,$c]:-null}, $(verdict "${cpu_of[engine,$c]:-null}" '<=' 0.3)")
    fi
  done
  targets+=("${scenario_targets[@]}")
  {
    printf '\n  ],\n  "ratios": ['
    json_strings "${ratios[@]}"
    printf '],\n  "targets": ['
    json_strings "${targets[@]}"
    printf ']\n}\n'
  } >>"$OUT/results.json"

  {
    printf '\n%s\n' "${scenario_lines[@]}"
    printf '\nRatios (median over %s rounds of the per-round ratios):\n' "$ROUNDS"
    printf -- '- %s\n' "${ratios[@]}"
    printf '\nTargets:\n'
    printf -- '- %s\n' "${targets[@]}"
    printf '\nLoad average at start %s, at end %s (2 cores, shared).\n' "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee -a "$md" >&2
  log ""
  log "p50/p99 in ms. cpu = the tool's user+sys CPU per dialogue; for the engine, its process CPU over the"
  log "measured window after the JIT warm-up (whole-process CPU incl. start-up is processCpuMs in the JSON);"
  log "sink = smtp-sink's; drv = the HTTP load driver's."
  log "Written to $OUT/results.json and $OUT/table.md"
}

# --- scenarios beyond the dialogue ---------------------------------------------------------------

scenario_rows=() scenario_lines=() scenario_targets=() ratios=()

# start_peer MODE PORT [ARGS...]: bench/peer on loopback; its pid in peer_pid
start_peer() {
  local mode=$1 port=$2; shift 2
  port_in_use "$port" && { log "$HOST:$port is already taken"; exit 1; }
  "$OUT/peer" -mode "$mode" -addr "$HOST:$port" "$@" >"$OUT/peer-$mode.json" 2>"$OUT/peer-$mode.log" &
  peer_pid=$!
  pids+=("$peer_pid")
  await_port "$port"
}

stop_peer() {
  kill -TERM "$peer_pid" 2>/dev/null || true
  wait "$peer_pid" 2>/dev/null || true
}

run_tarpit() {
  log "tarpit: $TARPIT_PROBES probes held open at once, -Xmx128m"
  start_peer tarpit "$TARPIT_PORT"
  local times json peer blocked
  times=$( { time timeout "$RUN_TIMEOUT" java -Xmx128m "${ENGINE[@]}" --target "$HOST:$TARPIT_PORT" \
      --probes "$TARPIT_PROBES" --timeout 5s >"$OUT/engine-tarpit.json" 2>"$OUT/engine-tarpit.log"; } 2>&1 ) || true
  stop_peer
  read -r wall user sys <<<"$times"
  json=$(tail -n 1 "$OUT/engine-tarpit.json")
  peer=$(cat "$OUT/peer-tarpit.json")
  # counted both by the engine's logger hook and in its stderr, whichever logging backend is active
  blocked=$(( $(field "$json" blockedThreadWarnings 0) + $(grep -c 'has been blocked for' "$OUT/engine-tarpit.log" || true) ))
  local timeouts maxBanner timeoutMs peak live late
  timeouts=$(field "$json" BannerTimeout 0)
  maxBanner=$(field "$json" maxBannerMs)
  timeoutMs=$(field "$json" timeoutMs)
  peak=$(field "$json" peakHeapMiB)
  live=$(field "$json" liveHeapInFlightMiB)
  late=$(awk -v m="$maxBanner" -v t="$timeoutMs" 'BEGIN{print m - t}')
  scenario_rows+=("$(printf '{"scenario": "tarpit", "tool": "engine", "concurrency": %s, "dialogues": %s, "bannerTimeouts": %s, "timeoutMs": %s, "maxBannerWaitMs": %s, "p50Ms": %s, "p99Ms": %s, "maxMs": %s, "cpuMsPerDialogue": %s, "processCpuMs": %s, "peakHeapMiB": %s, "liveHeapInFlightMiB": %s, "maxHeapMiB": %s, "blockedThreadWarnings": %s, "peerMaxConcurrent": %s}' \
    "$TARPIT_PROBES" "$(field "$json" dialogues)" "$timeouts" "$timeoutMs" "$maxBanner" "$(field "$json" p50Ms)" \
    "$(field "$json" p99Ms)" "$(field "$json" maxMs)" "$(field "$json" cpuMsPerDialogue)" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN{print (u+s)*1000}')" "$peak" "$live" "$(field "$json" maxHeapMiB)" "$blocked" \
    "$(field "$peer" maxConcurrent)")")
  scenario_lines+=("tarpit: $TARPIT_PROBES probes, peer held $(field "$peer" maxConcurrent) at once; $timeouts ended as BannerTimeout; banner wait max ${maxBanner} ms for a ${timeoutMs} ms timeout (end to end p50 $(field "$json" p50Ms) ms, max $(field "$json" maxMs) ms incl. connect); peak heap ${peak} MiB, live heap with all in flight ${live} MiB (-Xmx128m); blocked-thread warnings: $blocked")
  scenario_targets+=("tarpit: heap <= 128 MiB: peak ${peak} MiB, $(verdict "$peak" '<=' 128)")
  scenario_targets+=("tarpit: every probe BannerTimeout: $timeouts of $TARPIT_PROBES, $(verdict "$timeouts" '>=' "$TARPIT_PROBES")")
  scenario_targets+=("tarpit: on time (banner wait <= timeout + 1000 ms): late by ${late} ms, $(verdict "$late" '<=' 1000)")
  scenario_targets+=("tarpit: no blocked-thread warnings: $blocked, $(verdict "$blocked" '<=' 0)")
}

# One `check` run, start to exit, beside the one-shot tools an admin would reach for, against the running
# smtp-sink: each says EHLO, MAIL FROM, RCPT TO and QUIT. hyperfine runs them in turn, without a shell.
run_check_start() {
  log "check start: $CHECK_RUNS runs of each tool, EHLO/MAIL/RCPT/QUIT against $HOST:$SINK_PORT"
  local args="--server $HOST:$SINK_PORT --mail-from probe@bench.test --rcpt-to user@bench.test bench.test"
  local -A cmd=(
    [check-jar]="java -jar target/quarkus-app/quarkus-run.jar check $args"
    [bin/check]="bin/check $args"
    [swaks]="swaks --server $HOST --port $SINK_PORT --from probe@bench.test --to user@bench.test --quit-after RCPT"
    [check_smtp]="$CHECK_SMTP -H $HOST -p $SINK_PORT -C 'MAIL FROM:<probe@bench.test>' -R 250 -C 'RCPT TO:<user@bench.test>' -R 250"
  )
  local tools=(check-jar bin/check swaks check_smtp) tool hf=() rc
  for tool in "${tools[@]}"; do
    # a tool that fails would be timed failing fast: each must succeed first
    rc=0; eval "${cmd[$tool]}" >"$OUT/check-start-$(tr / - <<<"$tool").out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { log "check start: $tool exits $rc: see $OUT/check-start-*.out"; exit 1; }
    hf+=(-n "$tool" "${cmd[$tool]}")
  done
  hyperfine -N --style basic --warmup 3 --runs "$CHECK_RUNS" --export-csv "$OUT/check-start.csv" "${hf[@]}" >&2
  local -A median_ms min_ms cpu_ms rss_mib
  local name mean stddev median user system min max
  while IFS=, read -r name mean stddev median user system min max; do
    [ "$name" = command ] && continue
    median_ms[$name]=$(awk -v v="$median" 'BEGIN{printf "%.1f", v*1000}')
    min_ms[$name]=$(awk -v v="$min" 'BEGIN{printf "%.1f", v*1000}')
    cpu_ms[$name]=$(awk -v u="$user" -v s="$system" 'BEGIN{printf "%.1f", (u+s)*1000}')
    # peak resident memory of one more run
    rss_mib[$name]=$(eval "/usr/bin/time -f %M ${cmd[$name]}" 2>&1 >/dev/null | tail -n 1 | awk '{printf "%.1f", $1/1024}')
    scenario_rows+=("$(printf '{"scenario": "check-start", "tool": "%s", "runs": %s, "medianMs": %s, "meanMs": %s, "stddevMs": %s, "minMs": %s, "maxMs": %s, "cpuMs": %s, "maxRssMiB": %s}' \
      "$name" "$CHECK_RUNS" "${median_ms[$name]}" "$(awk -v v="$mean" 'BEGIN{printf "%.1f", v*1000}')" \
      "$(awk -v v="$stddev" 'BEGIN{printf "%.1f", v*1000}')" "${min_ms[$name]}" \
      "$(awk -v v="$max" 'BEGIN{printf "%.1f", v*1000}')" "${cpu_ms[$name]}" "${rss_mib[$name]}")")
  done <"$OUT/check-start.csv"
  for tool in "${tools[@]}"; do
    scenario_lines+=("check start: $tool median ${median_ms[$tool]} ms wall (fastest ${min_ms[$tool]} ms), ${cpu_ms[$tool]} ms CPU (user+sys, mean), max RSS ${rss_mib[$tool]} MiB")
  done
  local fast=${median_ms[bin/check]} sec
  sec=$(awk -v v="$fast" 'BEGIN{printf "%.3f", v/1000}')
  ratios+=("check start: bin/check $(ratio "$fast" "${median_ms[swaks]}")x swaks, $(ratio "$fast" "${median_ms[check_smtp]}")x check_smtp; java -jar check $(ratio "${median_ms[check-jar]}" "$fast")x bin/check")
  scenario_targets+=("check start: bin/check <= 0.4 s wall per run (median): ${sec} s, $(verdict "$sec" '<=' 0.4)")
}

run_politeness() {
  log "politeness: $POLITE_DOMAINS domains sharing one MX, per-host limit $PER_HOST"
  # 5 ms per reply: a dialogue holds its connection for 25 ms or more, so connections overlap
  start_peer smtp "$POLITE_PORT" -delay 5ms -grace 5ms
  local json peer max
  timeout "$RUN_TIMEOUT" java "${ENGINE[@]}" --target "$HOST:$POLITE_PORT" --domains "$POLITE_DOMAINS" \
      --per-host "$PER_HOST" >"$OUT/engine-politeness.json" 2>"$OUT/engine-politeness.log" || true
  stop_peer
  json=$(tail -n 1 "$OUT/engine-politeness.json")
  peer=$(cat "$OUT/peer-smtp.json")
  max=$(field "$peer" maxConcurrent)
  scenario_rows+=("$(printf '{"scenario": "politeness", "tool": "engine", "domains": %s, "perHostLimit": %s, "accepted": %s, "seconds": %s, "rate": %s, "peerConnections": %s, "peerMaxConcurrent": %s}' \
    "$POLITE_DOMAINS" "$PER_HOST" "$(field "$json" Accepted 0)" "$(field "$json" seconds)" "$(field "$json" rate)" \
    "$(field "$peer" accepted)" "$max")")
  scenario_lines+=("politeness: $POLITE_DOMAINS domains on one MX, $(field "$json" Accepted 0) accepted in $(field "$json" seconds) s; the peer saw $(field "$peer" accepted) connections, at most $max at once (limit $PER_HOST)")
  scenario_targets+=("politeness: peer max concurrent <= per-host limit $PER_HOST: $max, $(verdict "$max" '<=' "$PER_HOST")")
}

run_operator_scale() {
  local n=${BENCH_OPERATOR_RESOURCES:-5000} json late
  log "operator scale: $n SmtpProbe resources on the real kube-apiserver, interval 60s"
  # A JUnit class tagged "bench": it needs the test harnesses (control plane, dnsmasq) and the packaged jar.
  timeout 1200 mvn -B -ntp -q test -Dtest=OperatorScaleBench -DexcludedTestGroups= -Dsurefire.failIfNoSpecifiedTests=false \
      -Dbench.resources="$n" >"$OUT/operator-scale.log" 2>&1 || log "operator scale run failed: see $OUT/operator-scale.log"
  json=$(cat "$OUT/operator-scale.json" 2>/dev/null || echo '{}')
  scenario_rows+=("$json")
  scenario_lines+=("operator scale: $n resources created in $(field "$json" createSeconds) s, all probed after $(field "$json" firstCycleSeconds) s; $(field "$json" statusWrites) status writes for $(field "$json" probeCycles) probe cycles = $(field "$json" statusWritesPerCycle) per cycle ($(field "$json" writesWithoutNewProbe) without a new probe; max $(field "$json" maxStatusWritesOneResource) for one resource in $(field "$json" intervals) intervals; shortest gap between two probes of one resource $(field "$json" minProbeGapMs) ms); first status of a new resource p50 $(field "$json" firstStatusP50Ms) ms, p99 $(field "$json" firstStatusP99Ms) ms; latest cycle $(field "$json" maxLatenessMs) ms late; probe end to status seen p50 $(field "$json" statusDelayP50Ms) ms, p99 $(field "$json" statusDelayP99Ms) ms; mean dialogue $(field "$json" meanDialogueMs) ms; operator heap (-Xmx$(grep -o '"operatorXmx":"[^"]*"' <<<"$json" | cut -d'"' -f4)) max used $(field "$json" maxHeapMiB) MiB, live after GC $(field "$json" maxLiveHeapAfterGcMiB) MiB, GC pauses $(field "$json" gcPauseSeconds) s")
  # steady-state heap = what survives a collection; with -Xmx1g, used heap also holds garbage G1 had room to leave
  scenario_targets+=("operator scale: steady-state heap <= 512 MiB: live after GC $(field "$json" maxLiveHeapAfterGcMiB) MiB (max used $(field "$json" maxHeapMiB) MiB of -Xmx$(grep -o '"operatorXmx":"[^"]*"' <<<"$json" | cut -d'"' -f4)), $(verdict "$(field "$json" maxLiveHeapAfterGcMiB)" '<=' 512)")
  scenario_targets+=("operator scale: <= 1 status write per resource per cycle: $(field "$json" statusWritesPerCycle), $(verdict "$(field "$json" statusWritesPerCycle)" '<=' 1)")
  # writes per cycle alone would hide an operator that reprobes on its own writes: cycles would multiply too
  local min_gap; min_gap=$(awk -v i="$(field "$json" intervalSeconds)" 'BEGIN{print i * 0.9 * 1000 - 1000}')
  scenario_targets+=("operator scale: no reprobe before the interval (minus 10% jitter) is up: shortest gap $(field "$json" minProbeGapMs) ms, $(verdict "$(field "$json" minProbeGapMs)" '>=' "$min_gap")")
  scenario_targets+=("operator scale: first status p99 <= 5000 ms: $(field "$json" firstStatusP99Ms) ms, $(verdict "$(field "$json" firstStatusP99Ms)" '<=' 5000)")
  late=$(field "$json" maxLatenessPercentOfInterval)
  scenario_targets+=("operator scale: no cycle late by > 10% of interval: ${late}%, $(verdict "$late" '<=' 10)")
}

run_soak() {
  local secs=${BENCH_SOAK_SECONDS:-600} n=${BENCH_SOAK_RESOURCES:-1000} slots=${BENCH_SOAK_SESSIONS:-500} json
  log "soak: $n SmtpProbes against a hostile server, $slots probe slots, ${secs}s, operator -Xmx384m"
  rm -f "$OUT/soak.json"
  timeout $(( secs + 900 )) mvn -B -ntp -q test -Dtest=SoakBench -DexcludedTestGroups= -Dsurefire.failIfNoSpecifiedTests=false \
      -Dbench.soakSeconds="$secs" -Dbench.soakResources="$n" -Dbench.soakSessions="$slots" \
      >"$OUT/soak.log" 2>&1 || log "soak run failed: see $OUT/soak.log and $OUT/soak-operator.log"
  json=$(cat "$OUT/soak.json" 2>/dev/null || echo '{}')
  # the heap series is long: the row keeps the summary, soak.json has every sample
  scenario_rows+=("$(sed 's/,"heap":\[.*\]}$/}/' <<<"$json")")
  local lost blocked start end
  lost=$(field "$json" lostStatusWrites); blocked=$(field "$json" blockedThreadWarnings)
  start=$(field "$json" liveHeapAfterGcStartMiB); end=$(field "$json" liveHeapAfterGcEndMiB)
  scenario_lines+=("soak: $n resources, ${secs} s, $slots probe slots: the server held $(field "$json" peerMeanConcurrent) hostile sessions at once on average (max $(field "$json" peerMaxConcurrent)), $(field "$json" peerSessions) in all; $(field "$json" dialoguesEnded) dialogues ended, $(field "$json" statusesWritten) statuses written, $lost lost; live heap after GC ${start} MiB after the first minute, ${end} MiB at the end (max used $(field "$json" maxHeapUsedMiB) MiB of -Xmx384m); blocked-thread warnings: $blocked; SIGTERM under load to exit $(field "$json" shutdownMs) ms")
  scenario_targets+=("soak: no lost status writes: $lost, $(verdict "$lost" '<=' 0)")
  scenario_targets+=("soak: no blocked-thread warnings: $blocked, $(verdict "$blocked" '<=' 0)")
  # flat: what survives a collection at the end is within 10 % (and 16 MiB) of what it was after the first minute
  local bound; bound=$(awk -v s="$start" 'BEGIN{ if (s == "null") print "null"; else { b = s * 1.1; if (b < s + 16) b = s + 16; printf "%.1f", b } }')
  scenario_targets+=("soak: flat heap (live after GC at end <= max(1.1x, +16 MiB) of after the first minute, ${start} MiB): ${end} MiB, $(verdict "$end" '<=' "$bound")")
}

# zero VALUE: "met" for 0 (verdict divides by its limit)
zero() { case "$1" in 0) echo met ;; null) echo "not measured" ;; *) echo "MISSED ($1, target 0)" ;; esac; }

# Sharding (issue 15): its own section, so that other scenarios can be added beside it without touching it.
run_sharding() {
  local n=${BENCH_SHARD_RESOURCES:-15000} interval=${BENCH_SHARD_INTERVAL:-300} json
  log "sharding: $n SmtpProbe resources, interval ${interval}s, 3 operator replicas on the real kube-apiserver"
  timeout $(( interval * 5 + 1800 )) mvn -B -ntp -q test -Dtest=ShardingBench -DexcludedTestGroups= -Dsurefire.failIfNoSpecifiedTests=false \
      -Dbench.shardResources="$n" -Dbench.shardIntervalSeconds="$interval" >"$OUT/sharding.log" 2>&1 \
      || log "sharding run failed: see $OUT/sharding.log"
  json=$(cat "$OUT/sharding.json" 2>/dev/null || echo '{}')
  scenario_rows+=("$json")
  scenario_lines+=("sharding: $n resources, interval ${interval}s, 3 replicas: resources per replica $(grep -o '"resourcesPerReplica":"[^"]*"' <<<"$json" | cut -d'"' -f4), probes per replica in one interval $(grep -o '"probesPerReplicaSteady":"[^"]*"' <<<"$json" | cut -d'"' -f4); takeover after SIGKILL $(field "$json" takeoverKillMs) ms, after SIGTERM $(field "$json" takeoverTermMs) ms, a joiner acting after $(field "$json" joinActingMs) ms; shortest gap between two probes of one resource $(field "$json" shortestGapMs) ms, longest after the first cycle $(field "$json" longestGapMs) ms (bound $(field "$json" unprobedBoundMs) ms); $(field "$json" statusWritesPerProbe) status writes per probe")
  scenario_targets+=("sharding: resources probed twice within one interval = 0: $(field "$json" probedTwiceWithinInterval), $(zero "$(field "$json" probedTwiceWithinInterval)")")
  scenario_targets+=("sharding: resources unprobed for more than an interval plus the takeover = 0: $(field "$json" unprobedBeyondIntervalPlusTakeover), $(zero "$(field "$json" unprobedBeyondIntervalPlusTakeover)")")
  scenario_targets+=("sharding: takeover after SIGKILL <= lease 15 s + retry 2 s (+1 s polling): $(field "$json" takeoverKillMs) ms, $(verdict "$(field "$json" takeoverKillMs)" '<=' 18000)")
  scenario_targets+=("sharding: <= 1 status write per probe: $(field "$json" statusWritesPerProbe), $(verdict "$(field "$json" statusWritesPerProbe)" '<=' 1)")
}

# Status heartbeat (issue 15): BENCH_HEARTBEAT_RESOURCES (200; 0 skips) healthy SmtpProbes at interval 30 s on the
# real kube-apiserver, status writes per probe with every probe written, then with a heartbeat of six intervals
# (StatusHeartbeatBench; about 12 minutes).
run_status_heartbeat() {
  local n=${BENCH_HEARTBEAT_RESOURCES:-200} json
  log "status heartbeat: $n SmtpProbes, interval 30s, writes without and with a 3m heartbeat"
  timeout 1800 mvn -B -ntp -q test -Dtest=StatusHeartbeatBench -DexcludedTestGroups= -Dsurefire.failIfNoSpecifiedTests=false \
      -Dbench.heartbeatResources="$n" >"$OUT/status-heartbeat.log" 2>&1 || log "status heartbeat run failed: see $OUT/status-heartbeat.log"
  json=$(cat "$OUT/status-heartbeat.json" 2>/dev/null || echo '{}')
  scenario_rows+=("$json")
  scenario_lines+=("status heartbeat: $json")
}

# Engine with DATA against smtp-source, like for like (issue 15): the same dialogue on both sides, the same
# message bytes (EngineBench writes its message for smtp-source -F), the same smtp-sink. smtp-source still
# says HELO where the engine says EHLO; neither pipelines. The engine also runs without DATA, for the CPU
# a DATA phase costs. CPU per dialogue is each tool's process user+sys CPU (bash `time`) over every dialogue
# that process ran (the engine's JIT warm-up included), and the engine's own over its measured window.
# BENCH_DATA_ONLY=true runs only this scenario; BENCH_DATA_BYTES (1024) is the body size.
run_engine_data() {
  local bytes=${BENCH_DATA_BYTES:-1024} n=${BENCH_DATA_N:-$N} conc=${BENCH_DATA_CONCURRENCY:-"64 256"}
  local msg=$OUT/data-message.txt c k mode json times wall user sys sink0 warm
  java "${ENGINE[@]}" --data-bytes "$bytes" --message-file "$msg"
  local size; size=$(awk '{ b += length($0) + 2 } END { print b }' "$msg")
  log "engine with DATA against smtp-source: $size-octet message ($bytes-octet body), $n dialogues, c in $conc, $ROUNDS rounds"
  declare -A d_rate d_cpu d_proc d_sink d_failed
  for k in $(seq "$ROUNDS"); do
    for c in $conc; do
      log "DATA round $k of $ROUNDS: concurrency $c"
      sink0=$(cpu_ms "$sink_pid")
      times=$( { time timeout "$RUN_TIMEOUT" smtp-source -s "$c" -m "$n" -M bench.smtp-probe.test -F "$msg" \
          -f probe@bench.test -t user@bench.test "$HOST:$SINK_PORT" >/dev/null 2>"$OUT/data-smtp-source-$c-r$k.log"; } 2>&1 )
      read -r wall user sys <<<"$times"
      d_rate[smtp-source,$c,$k]=$(awk -v n="$n" -v w="$wall" 'BEGIN{printf "%.1f", n/w}')
      d_proc[smtp-source,$c,$k]=$(awk -v u="$user" -v s="$sys" -v n="$n" 'BEGIN{printf "%.4f", (u+s)*1000/n}')
      d_cpu[smtp-source,$c,$k]=${d_proc[smtp-source,$c,$k]}
      d_sink[smtp-source,$c,$k]=$(awk -v s=$(( $(cpu_ms "$sink_pid") - sink0 )) -v n="$n" 'BEGIN{printf "%.4f", s/n}')
      d_failed[smtp-source,$c,$k]=$(grep -c . "$OUT/data-smtp-source-$c-r$k.log" || true)
      for mode in data nodata; do
        local extra=(); [ "$mode" = data ] && extra=(--data-bytes "$bytes")
        sink0=$(cpu_ms "$sink_pid")
        times=$( { time timeout "$RUN_TIMEOUT" java "${ENGINE[@]}" --target "$HOST:$SINK_PORT" --concurrency "$c" --count "$n" \
            "${extra[@]}" >"$OUT/data-engine-$mode-$c-r$k.json" 2>"$OUT/data-engine-$mode-$c-r$k.log"; } 2>&1 ) || true
        read -r wall user sys <<<"$times"
        json=$(tail -n 1 "$OUT/data-engine-$mode-$c-r$k.json")
        warm=$(field "$json" warmupDialogues 0)
        d_rate[engine-$mode,$c,$k]=$(field "$json" rate)
        d_cpu[engine-$mode,$c,$k]=$(field "$json" cpuMsPerDialogue)
        d_proc[engine-$mode,$c,$k]=$(awk -v u="$user" -v s="$sys" -v n="$n" -v w="$warm" 'BEGIN{printf "%.4f", (u+s)*1000/(n+w)}')
        d_sink[engine-$mode,$c,$k]=$(awk -v s=$(( $(cpu_ms "$sink_pid") - sink0 )) -v n="$n" -v w="$warm" 'BEGIN{printf "%.4f", s/(n+w)}')
        d_failed[engine-$mode,$c,$k]=$(field "$json" failed 0)
      done
    done
  done
  local tool rates cpus procs sinks fails ratios_c row_json
  for c in $conc; do
    for tool in smtp-source engine-data engine-nodata; do
      rates=() cpus=() procs=() sinks=() fails=()
      for k in $(seq "$ROUNDS"); do
        rates+=("${d_rate[$tool,$c,$k]:-null}"); cpus+=("${d_cpu[$tool,$c,$k]:-null}")
        procs+=("${d_proc[$tool,$c,$k]:-null}"); sinks+=("${d_sink[$tool,$c,$k]:-null}"); fails+=("${d_failed[$tool,$c,$k]:-null}")
      done
      scenario_lines+=("DATA c=$c $tool: $(median "${rates[@]}") dialogues/s (rounds $(spread "${rates[@]}")); CPU ms/dialogue: process $(median "${procs[@]}"), measured window $(median "${cpus[@]}"), smtp-sink $(median "${sinks[@]}"); failed $(spread "${fails[@]}")")
      scenario_rows+=("$(printf '{"scenario": "data-like-for-like", "tool": "%s", "concurrency": %s, "dialogues": %s, "messageOctets": %s, "rate": %s, "processCpuMsPerDialogue": %s, "cpuMsPerDialogue": %s, "sinkCpuMsPerDialogue": %s}' \
        "$tool" "$c" "$n" "$size" "$(median "${rates[@]}")" "$(median "${procs[@]}")" "$(median "${cpus[@]}")" "$(median "${sinks[@]}")")")
    done
    ratios_c=()
    for k in $(seq "$ROUNDS"); do
      ratios_c+=("$(ratio "${d_rate[engine-data,$c,$k]:-null}" "${d_rate[smtp-source,$c,$k]:-null}")")
    done
    scenario_lines+=("DATA c=$c: engine with DATA / smtp-source $(median "${ratios_c[@]}")x (rounds $(spread "${ratios_c[@]}"))")
    scenario_targets+=("DATA c=$c engine >= 1.0x smtp-source, same dialogue and message: $(median "${ratios_c[@]}")x, $(verdict "$(median "${ratios_c[@]}")" '>=' 1.0)")
  done
}

# A bigger fleet per replica (issue 15): memory per cached SmtpProbe (FleetBench, trimmed and whole objects at
# BENCH_FLEET_COUNTS), then BENCH_FLEET_RESOURCES (20000; 0 skips) SmtpProbes on one operator at the chart's heap
# (OperatorScaleBench at -Xmx384m, interval BENCH_FLEET_INTERVAL, 300 s). Alone: BENCH_FLEET_ONLY=true make bench.
run_fleet() {
  local n=${BENCH_FLEET_RESOURCES:-20000} interval=${BENCH_FLEET_INTERVAL:-300} counts=${BENCH_FLEET_COUNTS:-2000,5000}
  local mem json steady
  log "fleet: live heap per cached SmtpProbe at $counts resources, trimmed and whole objects, operator -Xmx384m"
  rm -f "$OUT/fleet-memory.json" "$OUT/fleet-scale.json"
  timeout 3600 mvn -B -ntp -q test -Dtest=FleetBench -DexcludedTestGroups= -Dsurefire.failIfNoSpecifiedTests=false \
      -Dbench.fleetCounts="$counts" >"$OUT/fleet-memory.log" 2>&1 || log "fleet memory run failed: see $OUT/fleet-memory.log"
  mem=$(cat "$OUT/fleet-memory.json" 2>/dev/null || echo '{}')
  scenario_rows+=("$mem")
  scenario_lines+=("fleet memory ($counts resources, each a healthy status with a 10-entry history): live heap per 1,000 cached SmtpProbes $(field "$mem" trimmedMiBPer1000) MiB trimmed, $(field "$mem" wholeMiBPer1000) MiB whole objects; one resource as stored $(field "$mem" jsonBytes) octets of JSON, managedFields $(field "$mem" managedFieldsJsonBytes), status $(field "$mem" statusJsonBytes)")
  [ "$n" -gt 0 ] || return 0
  # at least one whole interval, so that every resource's writes in it are counted
  steady=$(( interval > 150 ? interval + 30 : 150 ))
  log "fleet: $n SmtpProbes on one replica at -Xmx384m, interval ${interval}s, ${steady}s measured"
  timeout $(( n / 5 + interval * 3 + steady + 1800 )) mvn -B -ntp -q test -Dtest=OperatorScaleBench -DexcludedTestGroups= \
      -Dsurefire.failIfNoSpecifiedTests=false -Dbench.resources="$n" -Dbench.operatorHeap=384m -Dbench.output=fleet-scale \
      -Dbench.intervalSeconds="$interval" -Dbench.steadySeconds="$steady" >"$OUT/fleet-scale.log" 2>&1 \
      || log "fleet run failed: see $OUT/fleet-scale.log and $OUT/fleet-scale-operator.log"
  json=$(cat "$OUT/fleet-scale.json" 2>/dev/null || echo '{}')
  scenario_rows+=("$json")
  scenario_lines+=("fleet: $n resources on one replica at -Xmx384m, interval ${interval}s: created in $(field "$json" createSeconds) s, all probed after $(field "$json" firstCycleSeconds) s; live heap after GC $(field "$json" maxLiveHeapAfterGcMiB) MiB (max used $(field "$json" maxHeapMiB) MiB); first status of a new resource p50 $(field "$json" firstStatusP50Ms) ms, p99 $(field "$json" firstStatusP99Ms) ms; probe end to status seen p50 $(field "$json" statusDelayP50Ms) ms, p99 $(field "$json" statusDelayP99Ms) ms; $(field "$json" statusWritesPerCycle) status writes per probe cycle; latest cycle $(field "$json" maxLatenessMs) ms late")
  scenario_targets+=("fleet: $n resources held at -Xmx384m: live heap after GC $(field "$json" maxLiveHeapAfterGcMiB) MiB, $(verdict "$(field "$json" maxLiveHeapAfterGcMiB)" '<=' 384)")
  scenario_targets+=("fleet: first status of a new resource p99 <= 1000 ms: $(field "$json" firstStatusP99Ms) ms, $(verdict "$(field "$json" firstStatusP99Ms)" '<=' 1000)")
  scenario_targets+=("fleet: probe end to status seen by a watcher p99 <= 2000 ms: $(field "$json" statusDelayP99Ms) ms, $(verdict "$(field "$json" statusDelayP99Ms)" '<=' 2000)")
  scenario_targets+=("fleet: <= 1 status write per probe cycle: $(field "$json" statusWritesPerCycle), $(verdict "$(field "$json" statusWritesPerCycle)" '<=' 1)")
}

mkdir -p "$OUT"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "${BENCH_SOAK_ONLY:-false}" = true ]; then
  [ -f target/quarkus-app/quarkus-run.jar ] || { log "target/quarkus-app/quarkus-run.jar is missing: run make build"; exit 1; }
  run_soak
  printf '%s\n' "${scenario_lines[@]}" "${scenario_targets[@]}" | tee "$OUT/soak.md" >&2
  exit 0
fi
if [ "${BENCH_FLEET_ONLY:-false}" = true ]; then
  [ -f target/quarkus-app/quarkus-run.jar ] || { log "target/quarkus-app/quarkus-run.jar is missing: run make build"; exit 1; }
  run_fleet
  printf '%s\n' "${scenario_lines[@]}" "${scenario_targets[@]}" | tee "$OUT/fleet.md" >&2
  exit 0
fi
install_packages
if [ "${BENCH_DATA_ONLY:-false}" = true ]; then
  for f in target/check/check.jar target/test-classes/io/smtpprobe/bench/EngineBench.class; do
    [ -f "$f" ] || { log "$f is missing: run make build"; exit 1; }
  done
  start_sink
  run_engine_data
  printf '%s\n' "${scenario_lines[@]}" "${scenario_targets[@]}" "load average at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg)" \
    | tee "$OUT/data.md" >&2
  exit 0
fi
build_go driver
build_go peer
for f in target/quarkus-app/quarkus-run.jar target/check/check.jar target/test-classes/io/smtpprobe/bench/EngineBench.class; do
  [ -f "$f" ] || { log "$f is missing: run make build"; exit 1; }
done
probe_url="http://$HOST:$EXPORTER_PORT/probe?module=smtp&target=$HOST:$SINK_PORT"
start_sink
start_exporter

for round in $(seq "$ROUNDS"); do
  for c in $CONCURRENCY; do
    n=$N
    [ "$c" -eq 1 ] && n=$(( N / 5 ))
    log "round $round of $ROUNDS: concurrency $c, $n dialogues"
    run_smtp_source "$c" "$n"
    run_blackbox "$c" "$n"
    run_engine "$c" "$n"
  done
done
run_check_start
run_tarpit
run_politeness
[ "${BENCH_OPERATOR_RESOURCES:-5000}" -gt 0 ] && run_operator_scale
[ "${BENCH_SOAK_SECONDS:-600}" -gt 0 ] && run_soak
[ "${BENCH_SHARD_RESOURCES:-15000}" -gt 0 ] && run_sharding
[ "${BENCH_HEARTBEAT_RESOURCES:-200}" -gt 0 ] && run_status_heartbeat
[ "${BENCH_DATA_N:-$N}" -gt 0 ] && run_engine_data
[ "${BENCH_FLEET_RESOURCES:-20000}" -gt 0 ] && run_fleet
report
