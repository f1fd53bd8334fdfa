#!/usr/bin/env bash
# `make run`: runs the operator from target/quarkus-app as a local process.
#
# With a configured kube context (KUBECONFIG or ~/.kube/config) the operator runs against that
# cluster with the caller's settings (SMTPPROBE_* / QUARKUS_* environment variables) and nothing else
# is started or installed.
#
# Without one it brings up a self-contained demo, all on loopback:
#   - the operator image (hack/image.sh),
#   - the local cluster with its node (hack/local-cluster.sh, hack/local-node.sh), the image imported,
#   - the demo mail world (hack/demo-peers.sh): dnsmasq serving .test and a discard-only Postfix,
#   - `helm install --wait` of the chart: the operator as a pod on the node's network, resolving through
#     that dnsmasq, allowed to connect to loopback port 2525 only,
#   - examples/smtpprobes.yaml,
# then prints one line, `export KUBECONFIG=...`, on stdout and follows the pod's log. Ctrl-C (or
# SIGTERM) stops what this run started; SMTPPROBE_RUN_DETACH=true leaves it running and returns.
# Re-running is safe: whatever a previous run left behind is stopped or reused.
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
  command -v java >/dev/null || die "java is not on PATH"
  exec java -jar "$JAR" operator
fi

mkdir -p "$STATE"
# The cluster is ours to stop when this run starts it, or a previous run started it and could not
# stop it; one the user started by hand keeps running.
if ! bash "$HERE/local-cluster.sh" status 2>/dev/null; then
  touch "$STATE/cluster-started-by-run"
fi

cleanup() {
  trap - INT TERM EXIT
  [ -n "${logs_pid:-}" ] && kill "$logs_pid" 2>/dev/null || true
  bash "$HERE/demo-peers.sh" stop || true
  if [ -f "$STATE/cluster-started-by-run" ]; then
    bash "$HERE/local-cluster.sh" stop || true
    rm -f "$STATE/cluster-started-by-run"
  fi
}
if [ "${SMTPPROBE_RUN_DETACH:-false}" != true ]; then
  trap 'cleanup; exit 130' INT
  trap 'cleanup; exit 143' TERM
  trap 'status=$?; [ $status -ne 0 ] && cleanup; exit $status' EXIT
fi

started=$SECONDS
# The operator image (hack/image.sh; the base is cached, so usually only the app layers are rebuilt).
bash "$HERE/image.sh" >&2
ref="$(cat "$ROOT/target/image/ref")"

export KUBECONFIG
KUBECONFIG="$(bash "$HERE/local-cluster.sh" start)"
bash "$HERE/local-node.sh" import "$ROOT/target/image/smtp-probe-operator.tar" 2>&1 | grep -v '^unpacking' >&2 || true

resolver="$(bash "$HERE/demo-peers.sh" start)"

HELM="$CACHE/bin/helm"
[ -x "$HELM" ] || die "no helm in $CACHE/bin: run make controlplane"
# Helm installs crds/ on the first install only and never upgrades them: a cluster kept from an older run
# would keep an older schema, and the API server would silently drop every newer spec and status field.
"$KUBECTL" apply --server-side --force-conflicts -f "$ROOT/helm/smtp-probe-operator/crds/" >&2
log "helm install $ref into namespace smtp-probe (hostNetwork, http://127.0.0.1:$HTTP_PORT/q/metrics)"
# The local node has no pod network and no Service VIP: the pod uses the node's network, binds its HTTP
# port to 127.0.0.1 and reaches the API server there. The image was imported, never pulled. The demo
# world lives on loopback port 2525: loopback is opened as an exception, every other default denial stays.
"$HELM" upgrade --install smtp-probe-operator "$ROOT/helm/smtp-probe-operator" \
  --namespace smtp-probe --create-namespace --wait --timeout 120s \
  --set image.repository="${ref%:*}" --set image.tag="${ref##*:}" --set image.pullPolicy=Never \
  --set hostNetwork=true --set httpPort="$HTTP_PORT" --set httpHost=127.0.0.1 \
  --set apiServer.host=127.0.0.1 --set apiServer.port="${LOCAL_CLUSTER_APISERVER_PORT:-16443}" \
  --set "dns.servers={$resolver}" --set "policy.allowedPorts={2525}" --set "policy.allowedNetworks={127.0.0.0/8}" \
  >&2 || die "helm install did not get a Ready pod: kubectl get pods -n smtp-probe; kubectl describe pod -n smtp-probe"
log "operator pod Ready $((SECONDS - started)) s after the start of this script"

"$KUBECTL" apply -f "$ROOT/examples/smtpprobes.yaml" >&2

echo "export KUBECONFIG=$KUBECONFIG"
log "then: kubectl get pods -n smtp-probe; kubectl get smtpprobes -o wide; kubectl describe smtpprobe fabrikam"
if [ "${SMTPPROBE_RUN_DETACH:-false}" = true ]; then
  log "left running; stop with: bash hack/demo-peers.sh stop; bash hack/local-cluster.sh stop"
  exit 0
fi
log "following the operator's log; Ctrl-C stops everything this run started"
"$KUBECTL" logs -f -n smtp-probe deployment/smtp-probe-operator >&2 &
logs_pid=$!
while true; do sleep 3600; done
