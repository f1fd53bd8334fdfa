#!/usr/bin/env bash
# A local Kubernetes cluster for `make run` on machines without a kube context and for the pod e2e
# tier, loopback only: etcd + kube-apiserver (RBAC on), and a real node (hack/local-node.sh:
# kube-controller-manager, kube-scheduler, containerd, kubelet) that runs hostNetwork pods.
# LOCAL_CLUSTER_NODE=false starts the control plane alone, with the flags of the e2e tests'
# ControlPlane.java (no ServiceAccount admission, since no controller creates ServiceAccounts).
#
# Usage: hack/local-cluster.sh start    start in the background (no-op when already running);
#                                       prints the kubeconfig path on stdout, progress on stderr
#        hack/local-cluster.sh stop     stop both processes; data survives for the next start
#        hack/local-cluster.sh status   exit 0 when running and ready
#        hack/local-cluster.sh kubeconfig   print the kubeconfig path
#        hack/local-cluster.sh reset    stop and delete all state (etcd data, keys, certificates)
#        hack/local-cluster.sh auto     for `make run`: print the caller's kubeconfig when it has a current
#                                       context, else start the local cluster and print its kubeconfig
#                                       (run.sh: export KUBECONFIG="$(hack/local-cluster.sh auto)")
#
# State lives in $SMTPPROBE_CACHE/local-cluster (LOCAL_CLUSTER_STATE). Ports: LOCAL_CLUSTER_APISERVER_PORT (16443),
# LOCAL_CLUSTER_ETCD_PORT (23790, peer port is +1). Binaries come from hack/build-controlplane.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SMTPPROBE_CACHE:-$HOME/.cache/smtp-probe-operator}"
STATE="${LOCAL_CLUSTER_STATE:-$CACHE/local-cluster}"
NODE_ENABLED="${LOCAL_CLUSTER_NODE:-true}"
API_PORT="${LOCAL_CLUSTER_APISERVER_PORT:-16443}"
ETCD_PORT="${LOCAL_CLUSTER_ETCD_PORT:-23790}"
ETCD_PEER_PORT=$((ETCD_PORT + 1))
ISSUER=https://kubernetes.default.svc.cluster.local
KUBECONFIG_FILE="$STATE/kubeconfig"
START_TIMEOUT=120

log() { echo "local-cluster: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Loopback only, whatever the caller's environment says about proxies.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
CURL=(curl --silent --show-error --max-time 3 --noproxy '*')

k8s_dir() {
  local dir
  dir="$(ls -d "$CACHE"/k8s/1.33.*-linux-amd64 2>/dev/null | sort -t. -k3 -n | tail -1)"
  [ -n "$dir" ] && [ -x "$dir/kube-apiserver" ] && [ -x "$dir/etcd" ] \
    || die "no control-plane binaries in $CACHE/k8s: run hack/build-controlplane.sh (make controlplane)"
  echo "$dir"
}

# A pid file only counts while its process is still the binary we started, so a recycled pid is
# never signalled.
running_pid() { # <name>
  local pidfile="$STATE/$1.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "/$1 " && echo "$pid"
}

admin_token() { cut -d, -f1 "$STATE/tokens.csv"; }

api_ready() {
  [ -f "$STATE/pki/apiserver.crt" ] && [ -f "$STATE/tokens.csv" ] &&
    "${CURL[@]}" --fail --cacert "$STATE/pki/apiserver.crt" \
      -H "Authorization: Bearer $(admin_token)" "https://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1
}

wait_until() { # <description> <log> <command...>
  local what="$1" logfile="$2" deadline=$((SECONDS + START_TIMEOUT))
  shift 2
  until "$@" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      tail -20 "$logfile" >&2 || true
      die "$what not ready after ${START_TIMEOUT}s (log: $logfile)"
    fi
    sleep 0.5
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

prepare_state() {
  mkdir -p "$STATE/pki" "$STATE/etcd"
  chmod 700 "$STATE"
  if [ ! -f "$STATE/sa.key" ]; then
    openssl genrsa -out "$STATE/sa.key" 2048 2>/dev/null || die "openssl could not generate the signing key"
    openssl rsa -in "$STATE/sa.key" -pubout -out "$STATE/sa.pub" 2>/dev/null
  fi
  if [ ! -f "$STATE/tokens.csv" ]; then
    echo "$(openssl rand -hex 24),smtp-probe-admin,smtp-probe-admin,\"system:masters\"" > "$STATE/tokens.csv"
  fi
  # The API server's client certificate towards the kubelet (logs, exec), from a CA only the kubelet trusts.
  if [ ! -f "$STATE/node-pki/apiserver-kubelet-client.crt" ]; then
    mkdir -p "$STATE/node-pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=smtp-probe-node-ca" \
      -keyout "$STATE/node-pki/ca.key" -out "$STATE/node-pki/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" \
      -keyout "$STATE/node-pki/apiserver-kubelet-client.key" -out "$STATE/node-pki/client.csr" 2>/dev/null
    openssl x509 -req -in "$STATE/node-pki/client.csr" -CA "$STATE/node-pki/ca.crt" -CAkey "$STATE/node-pki/ca.key" \
      -CAcreateserial -days 3650 -out "$STATE/node-pki/apiserver-kubelet-client.crt" 2>/dev/null
  fi
}

write_kubeconfig() {
  cat > "$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: smtp-probe-local
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 < "$STATE/pki/apiserver.crt")
users:
- name: smtp-probe-admin
  user:
    token: $(admin_token)
contexts:
- name: smtp-probe-local
  context:
    cluster: smtp-probe-local
    user: smtp-probe-admin
    namespace: default
current-context: smtp-probe-local
EOF
  chmod 600 "$KUBECONFIG_FILE"
}

start() {
  if running_pid etcd >/dev/null && running_pid kube-apiserver >/dev/null && api_ready; then
    log "already running on https://127.0.0.1:$API_PORT"
    if [ "$NODE_ENABLED" = true ]; then
      grep -q -- "--kubelet-client-certificate" "/proc/$(running_pid kube-apiserver)/cmdline" 2>/dev/null \
        || die "the running control plane was started without a node (LOCAL_CLUSTER_NODE=false): stop it first"
      bash "$HERE/local-node.sh" start "$STATE"
    fi
    echo "$KUBECONFIG_FILE"
    return
  fi
  if [ "$NODE_ENABLED" = true ]; then
    problem="$(bash "$HERE/local-node.sh" check "$STATE")" || die "cannot run the node: $problem"
  fi
  stop_processes # a half-started previous run
  local dir
  dir="$(k8s_dir)"
  for port in "$API_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT"; do
    port_free "$port" || die "127.0.0.1:$port is in use; set LOCAL_CLUSTER_APISERVER_PORT / LOCAL_CLUSTER_ETCD_PORT"
  done
  prepare_state

  log "starting etcd on 127.0.0.1:$ETCD_PORT"
  setsid "$dir/etcd" --name=default --logger=zap --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="default=http://127.0.0.1:$ETCD_PEER_PORT" \
    >"$STATE/etcd.log" 2>&1 < /dev/null &
  echo $! > "$STATE/etcd.pid"
  wait_until etcd "$STATE/etcd.log" "${CURL[@]}" --fail "http://127.0.0.1:$ETCD_PORT/health" -o /dev/null

  local admission
  if [ "$NODE_ENABLED" = true ]; then
    # Pods get their ServiceAccount token (admission), the kubelet is reached on 127.0.0.1 (its
    # Hostname address) with a client certificate.
    admission=(--kubelet-client-certificate="$STATE/node-pki/apiserver-kubelet-client.crt"
      --kubelet-client-key="$STATE/node-pki/apiserver-kubelet-client.key"
      --kubelet-preferred-address-types=Hostname)
  else
    admission=(--disable-admission-plugins=ServiceAccount)
  fi
  log "starting kube-apiserver $(basename "$dir") on 127.0.0.1:$API_PORT"
  setsid "$dir/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --endpoint-reconciler-type=none \
    --cert-dir="$STATE/pki" \
    --token-auth-file="$STATE/tokens.csv" \
    --authorization-mode=RBAC \
    --service-account-issuer="$ISSUER" --api-audiences="$ISSUER" \
    --service-account-key-file="$STATE/sa.pub" --service-account-signing-key-file="$STATE/sa.key" \
    --service-cluster-ip-range=10.96.0.0/24 \
    "${admission[@]}" \
    --profiling=false \
    >"$STATE/kube-apiserver.log" 2>&1 < /dev/null &
  echo $! > "$STATE/kube-apiserver.pid"
  wait_until kube-apiserver "$STATE/kube-apiserver.log" api_ready
  write_kubeconfig
  [ "$NODE_ENABLED" = true ] && bash "$HERE/local-node.sh" start "$STATE"
  log "ready: export KUBECONFIG=$KUBECONFIG_FILE"
  echo "$KUBECONFIG_FILE"
}

PID_DIR="$STATE"
# shellcheck source=lib/stop-one.sh
source "$HERE/lib/stop-one.sh"

stop_processes() {
  if [ "$(cat /run/smtp-probe-node/cluster 2>/dev/null)" = "$STATE" ]; then
    bash "$HERE/local-node.sh" stop || true
  fi
  stop_one kube-apiserver
  stop_one etcd
}

case "${1:-}" in
  start) start ;;
  stop) stop_processes; log "stopped" ;;
  status)
    if running_pid etcd >/dev/null && running_pid kube-apiserver >/dev/null && api_ready; then
      log "running on https://127.0.0.1:$API_PORT, kubeconfig $KUBECONFIG_FILE"
    else
      log "not running"; exit 1
    fi ;;
  kubeconfig) echo "$KUBECONFIG_FILE" ;;
  reset) stop_processes; rm -rf "$STATE"; log "state deleted" ;;
  auto)
    # `config current-context` only reads the file; nothing is contacted to decide.
    if context="$("$(k8s_dir)/kubectl" config current-context 2>/dev/null)" && [ -n "$context" ]; then
      log "using the configured kube context $context"
      echo "${KUBECONFIG:-$HOME/.kube/config}"
    else
      start
    fi ;;
  *) echo "usage: $0 start|stop|status|kubeconfig|reset|auto" >&2; exit 2 ;;
esac
