#!/usr/bin/env bash
# `make run`: runs the operator from target/quarkus-app as a local process.
#
# With a configured kube context (KUBECONFIG or ~/.kube/config) the operator runs against that
# cluster with the caller's settings (SMTPPROBE_* / QUARKUS_* environment variables) and nothing else
# is started or installed.
#
# Without one it brings up a self-contained demo, all on loopback:
#   - the embedded control plane (hack/local-cluster.sh) with the CRD applied,
#   - the demo mail world (hack/demo-peers.sh): dnsmasq serving .test and a discard-only Postfix,
#   - the operator, resolving through that dnsmasq, allowed to connect to loopback port 2525 only,
#   - examples/smtpprobes.yaml,
# then prints one line, `export KUBECONFIG=...`, on stdout. Ctrl-C (or SIGTERM) stops what this run
# started. Re-running is safe: whatever a previous run left behind is stopped or reused.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CACHE="${SMTPPROBE_CACHE:-$HOME/.cache/smtp-probe-operator}"
STATE="$CACHE/make-run"
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
HTTP_PORT="${SMTPPROBE_HTTP_PORT:-8080}"

log() { echo "run: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ -f "$JAR" ] || die "$JAR is missing: build it with make build"
command -v java >/dev/null || die "java is not on PATH"

kubectl_bin() {
  local dir
  dir="$(ls -d "$CACHE"/k8s/1.33.*-linux-amd64 2>/dev/null | sort -t. -k3 -n | tail -1)"
  [ -n "$dir" ] && [ -x "$dir/kubectl" ] || die "no kubectl in $CACHE/k8s: run make controlplane"
  echo "$dir/kubectl"
}
KUBECTL="$(kubectl_bin)"

LOCAL_KUBECONFIG="$(bash "$HERE/local-cluster.sh" kubeconfig)"
# A shell that still exports the demo's kubeconfig from an earlier run means "the demo", not a
# configured cluster: that control plane may be stopped by now.
if [ "${KUBECONFIG:-}" = "$LOCAL_KUBECONFIG" ]; then
  unset KUBECONFIG
fi

if context="$("$KUBECTL" config current-context 2>/dev/null)" && [ -n "$context" ]; then
  log "running the operator against the configured kube context $context with your settings"
  log "install the CRD first if needed: kubectl apply -f crds/"
  echo "export KUBECONFIG=${KUBECONFIG:-$HOME/.kube/config}"
  exec java -jar "$JAR" operator
fi

mkdir -p "$STATE"
# The control plane is ours to stop when this run starts it, or a previous run started it and
# could not stop it; one the user started by hand keeps running.
if ! bash "$HERE/local-cluster.sh" status 2>/dev/null; then
  touch "$STATE/cluster-started-by-run"
fi

operator_running_pid() { # the pid in the pid file, while it is still our operator
  local pid
  [ -f "$STATE/operator.pid" ] || return 1
  pid="$(cat "$STATE/operator.pid")"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "$JAR" && echo "$pid"
}

stop_operator() {
  local pid
  pid="$(operator_running_pid)" || { rm -f "$STATE/operator.pid"; return 0; }
  log "stopping the operator (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$STATE/operator.pid"
}

cleanup() {
  trap - INT TERM EXIT
  stop_operator
  bash "$HERE/demo-peers.sh" stop || true
  if [ -f "$STATE/cluster-started-by-run" ]; then
    bash "$HERE/local-cluster.sh" stop || true
    rm -f "$STATE/cluster-started-by-run"
  fi
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

stop_operator # one a previous run could not stop (e.g. killed with SIGKILL)
export KUBECONFIG
KUBECONFIG="$(bash "$HERE/local-cluster.sh" start)"

log "installing the CRD"
"$KUBECTL" apply -f "$ROOT/crds/" >&2
"$KUBECTL" wait --for condition=established --timeout=60s crd/smtpprobes.smtpprobe.io >&2

resolver="$(bash "$HERE/demo-peers.sh" start)"

log "starting the operator (log: $STATE/operator.log, http://127.0.0.1:$HTTP_PORT/q/metrics)"
# The default egress policy refuses loopback; the demo world lives there, on port 2525 only, so
# loopback is opened as an exception and every other default denial stays in force.
SMTPPROBE_DNS_SERVERS="$resolver" \
SMTPPROBE_POLICY_ALLOWED_PORTS=2525 \
SMTPPROBE_POLICY_ALLOWED_NETWORKS="127.0.0.0/8" \
SMTPPROBE_LEADER_ELECTION_IDENTITY=make-run \
QUARKUS_HTTP_HOST=127.0.0.1 \
QUARKUS_HTTP_PORT="$HTTP_PORT" \
  java -jar "$JAR" operator > "$STATE/operator.log" 2>&1 < /dev/null &
operator_pid=$!
echo "$operator_pid" > "$STATE/operator.pid"

"$KUBECTL" apply -f "$ROOT/examples/smtpprobes.yaml" >&2

echo "export KUBECONFIG=$KUBECONFIG"
log "then: kubectl get smtpprobes -o wide; kubectl describe smtpprobe fabrikam. Ctrl-C stops everything."

set +e
wait "$operator_pid"
status=$?
set -e
log "the operator exited with status $status; last lines of $STATE/operator.log:"
tail -20 "$STATE/operator.log" >&2 || true
exit "$status"
