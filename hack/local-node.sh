#!/usr/bin/env bash
# A real single node for the local control plane (hack/local-cluster.sh), loopback only:
#
#   kube-controller-manager, kube-scheduler   127.0.0.1, leader election off
#   containerd (Debian) + runc                its own socket, root and state; CNI: a loopback-only network
#   kubelet                                   node name 127.0.0.1, API on 127.0.0.1:NODE_KUBELET_PORT
#
# No bridge, no route, no iptables: only hostNetwork pods can run, which suits the operator, whose
# probes reach the loopback demo mail world anyway. The operator image and the pause image are
# imported into containerd here, so nothing is ever pulled.
#
# Usage: hack/local-node.sh start <control-plane state dir>   (no-op when already running)
#        hack/local-node.sh stop                              stops everything, removes its pods'
#                                                             containers, mounts and cgroups, restores
#                                                             the sysctls the kubelet changed
#        hack/local-node.sh status
#        hack/local-node.sh import <image archive>            load an image into the node's containerd
#        hack/local-node.sh check [<state dir>]               exit 1 naming the first missing prerequisite
#
# The control-plane state dir is the one hack/local-cluster.sh keeps: kubeconfig, tokens.csv, sa.key,
# pki/apiserver.crt, node-pki/. There is one node per machine: the kubelet owns machine-wide paths
# (/var/log/pods, /var/log/containers, /var/lib/cni, cgroups named kubepods) and three sysctls.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SMTPPROBE_CACHE:-$HOME/.cache/smtp-probe-operator}"
NODE="${NODE_STATE:-$CACHE/local-node}"
RUN=/run/smtp-probe-node
SOCK="$RUN/containerd.sock"
KUBELET_PORT="${NODE_KUBELET_PORT:-10250}"
KUBELET_HEALTHZ_PORT="${NODE_KUBELET_HEALTHZ_PORT:-10248}"
KCM_PORT="${NODE_CONTROLLER_MANAGER_PORT:-10257}"
SCHEDULER_PORT="${NODE_SCHEDULER_PORT:-10259}"
PAUSE_IMAGE=registry.k8s.io/pause:3.10.1
NODE_NAME=127.0.0.1
START_TIMEOUT=120
# What the kubelet rewrites on start (kubelet's setupKernelTunables) and stop puts back.
SYSCTLS="vm/overcommit_memory kernel/panic kernel/panic_on_oops"
# Machine-wide paths the kubelet, containerd or CNI create; stop removes those that did not exist before.
FIXED_PATHS="/var/log/pods /var/log/containers /var/lib/cni /var/lib/kubelet /run/containerd /etc/cni /opt/cni"

# No cloud, no volumes but emptyDir and projected ones, no pod network: their controllers stay off. No
# kube-proxy either, and a hostNetwork pod's address is 127.0.0.1, which Endpoints refuse: no endpoint
# controllers (Services of this node have no endpoints; the operator's metrics are reached on its port).
KCM_CONTROLLERS='*,-node-ipam-controller,-cloud-node-lifecycle-controller,-service-lb-controller,-node-route-controller,-persistentvolume-binder-controller,-persistentvolume-attach-detach-controller,-persistentvolume-expander-controller,-ephemeral-volume-controller,-persistentvolume-protection-controller,-persistentvolumeclaim-protection-controller,-endpoints-controller,-endpointslice-controller,-endpointslice-mirroring-controller'

log() { echo "local-node: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY NO_PROXY no_proxy

k8s_dir() {
  ls -d "$CACHE"/k8s/1.33.*-linux-amd64 2>/dev/null | sort -t. -k3 -n | tail -1
}

# Every prerequisite the node needs, with the first missing one named. Exit 0 when all are there.
# <control-plane state dir>: the cluster the node is for (a node running for it is no obstacle).
check() {
  local dir
  dir="$(k8s_dir)"
  [ "$(id -u)" -eq 0 ] || { echo "the node needs root (containerd, runc and the kubelet mount and create cgroups)"; return 1; }
  for b in kubelet kube-controller-manager kube-scheduler pause; do
    [ -n "$dir" ] && [ -x "$dir/$b" ] || { echo "$b is not built: run make controlplane (hack/build-controlplane.sh)"; return 1; }
  done
  for b in /usr/bin/containerd /usr/bin/ctr /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc /usr/lib/cni/loopback; do
    [ -x "$b" ] || { echo "$b is missing: run hack/install-deps.sh (Debian containerd, runc, containernetworking-plugins)"; return 1; }
  done
  [ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/cpu ] && [ -d /sys/fs/cgroup/pids ] \
    || { echo "cgroup v1 controllers memory, cpu and pids are not mounted under /sys/fs/cgroup (the node uses the cgroupfs driver on cgroup v1)"; return 1; }
  grep -qw overlay /proc/filesystems || { echo "the kernel has no overlay filesystem (containerd's snapshotter)"; return 1; }
  # One node per machine: one that serves another cluster (or another state directory) is in the way.
  if running_pid kubelet >/dev/null || running_pid containerd >/dev/null; then
    if [ "$(cat "$RUN/owner" 2>/dev/null)" != "$NODE" ] || [ "$(cat "$RUN/cluster" 2>/dev/null)" != "${1:-}" ]; then
      echo "a node already runs on this machine for the cluster in $(cat "$RUN/cluster" 2>/dev/null) (node state $(cat "$RUN/owner" 2>/dev/null)); stop it first: LOCAL_CLUSTER_STATE=$(cat "$RUN/cluster" 2>/dev/null) hack/local-cluster.sh stop"
      return 1
    fi
  fi
  return 0
}

running_pid() { # <name>
  local pidfile="$RUN/$1.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' '\n' < "/proc/$pid/cmdline" | head -1 | grep -q "/$1\$" && echo "$pid"
}

wait_until() { # <description> <log> <command...>
  local what="$1" logfile="$2" deadline=$((SECONDS + START_TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      tail -30 "$logfile" >&2 || true
      die "$what not ready after ${START_TIMEOUT}s (log: $logfile)"
    fi
    sleep 0.5
  done
}

ctr_() { /usr/bin/ctr --address "$SOCK" --namespace k8s.io "$@"; }

import_image() { # <archive>
  [ -f "$1" ] || die "no image archive $1"
  ctr_ images import --snapshotter overlayfs "$1" >&2 || die "containerd could not import $1"
}

pause_archive() {
  local dir out stage
  dir="$(k8s_dir)"
  out="$NODE/pause-image.tar"
  if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$(cat "$dir/pause.stamp")" ]; then
    echo "$out"; return
  fi
  stage="$(mktemp -d)"
  mkdir -p "$stage/root"
  install -m 0755 "$dir/pause" "$stage/root/pause"
  tar --sort=name --mtime=@0 --numeric-owner --format=posix -C "$stage/root" -cf "$stage/layer.tar" .
  python3 "$HERE/oci-image.py" --out "$out" --repository "${PAUSE_IMAGE%:*}" --tag "${PAUSE_IMAGE##*:}" \
    --layer "$stage/layer.tar" --entrypoint '["/pause"]' --cmd '[]' --user 65535:65535 --work "$stage/oci" >/dev/null
  cp "$dir/pause.stamp" "$out.stamp"
  rm -rf "$stage"
  echo "$out"
}

write_configs() { # <control-plane state>
  local cp="$1"
  mkdir -p "$NODE/cni" "$NODE/kubelet" "$NODE/containerd/root" "$NODE/logs" "$RUN/containerd-state"
  # The only network: a pod's own loopback. Makes the node Ready; hostNetwork pods never use it.
  cat > "$NODE/cni/10-loopback.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "smtp-probe-loopback", "plugins": [{"type": "loopback"}]}
EOF
  cat > "$NODE/containerd.toml" <<EOF
version = 2
root = "$NODE/containerd/root"
state = "$RUN/containerd-state"
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$RUN/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # This VM lacks CAP_SYS_RESOURCE: runc cannot lower oom_score_adj below the runtime's own.
  restrict_oom_score_adj = true
  # The kernel has no AppArmor.
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE/cni"
EOF
  # The API server reaches the kubelet (logs, exec) with a client certificate of this CA.
  cat > "$NODE/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
containerRuntimeEndpoint: unix://$SOCK
cgroupDriver: cgroupfs
failSwapOn: false
makeIPTablesUtilChains: false
podLogsDir: $NODE/logs
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: false
  x509:
    clientCAFile: $cp/node-pki/ca.crt
authorization:
  mode: AlwaysAllow
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
maxPods: 30
EOF
}

save_sysctls() {
  [ -f "$RUN/sysctls" ] && return
  local s
  for s in $SYSCTLS; do echo "$s $(cat "/proc/sys/$s")"; done > "$RUN/sysctls"
}

restore_sysctls() {
  [ -f "$RUN/sysctls" ] || return 0
  local s v
  while read -r s v; do
    [ "$(cat "/proc/sys/$s")" = "$v" ] || { echo "$v" > "/proc/sys/$s" && log "restored $s = $v"; }
  done < "$RUN/sysctls"
  rm -f "$RUN/sysctls"
}

record_fixed_paths() {
  [ -f "$RUN/created-paths" ] && return
  local p
  for p in $FIXED_PATHS; do [ -e "$p" ] || echo "$p"; done > "$RUN/created-paths"
}

start() {
  local cp="$1" dir problem
  [ -f "$cp/kubeconfig" ] || die "no control plane in $cp (hack/local-cluster.sh start)"
  problem="$(check "$cp")" || die "cannot run a node here: $problem"
  if running_pid kubelet >/dev/null && running_pid containerd >/dev/null \
     && running_pid kube-controller-manager >/dev/null && running_pid kube-scheduler >/dev/null; then
    log "already running"
    return
  fi
  stop_all quiet # a half-started previous run
  dir="$(k8s_dir)"
  mkdir -p "$RUN" "$NODE"
  chmod 700 "$RUN" "$NODE"
  echo "$NODE" > "$RUN/owner"
  echo "$cp" > "$RUN/cluster"
  record_fixed_paths
  save_sysctls
  write_configs "$cp"

  log "starting kube-controller-manager (127.0.0.1:$KCM_PORT) and kube-scheduler (127.0.0.1:$SCHEDULER_PORT)"
  setsid "$dir/kube-controller-manager" --kubeconfig="$cp/kubeconfig" \
    --authentication-kubeconfig="$cp/kubeconfig" --authorization-kubeconfig="$cp/kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
    --root-ca-file="$cp/pki/apiserver.crt" --service-account-private-key-file="$cp/sa.key" \
    --use-service-account-credentials=true --cluster-name=smtp-probe-local \
    --controllers="$KCM_CONTROLLERS" \
    >"$NODE/kube-controller-manager.log" 2>&1 < /dev/null &
  echo $! > "$RUN/kube-controller-manager.pid"
  setsid "$dir/kube-scheduler" --kubeconfig="$cp/kubeconfig" \
    --authentication-kubeconfig="$cp/kubeconfig" --authorization-kubeconfig="$cp/kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" --leader-elect=false \
    >"$NODE/kube-scheduler.log" 2>&1 < /dev/null &
  echo $! > "$RUN/kube-scheduler.pid"

  log "starting containerd $(/usr/bin/containerd --version | awk '{print $3}') ($SOCK)"
  setsid /usr/bin/containerd --config "$NODE/containerd.toml" >"$NODE/containerd.log" 2>&1 < /dev/null &
  echo $! > "$RUN/containerd.pid"
  wait_until containerd "$NODE/containerd.log" ctr_ version
  if ! ctr_ images ls -q | grep -qx "$PAUSE_IMAGE"; then
    import_image "$(pause_archive)"
  fi

  log "starting the kubelet (node $NODE_NAME, 127.0.0.1:$KUBELET_PORT)"
  setsid "$dir/kubelet" --config="$NODE/kubelet.yaml" --kubeconfig="$cp/kubeconfig" \
    --hostname-override="$NODE_NAME" --root-dir="$NODE/kubelet" --cert-dir="$NODE/kubelet/pki" \
    >"$NODE/kubelet.log" 2>&1 < /dev/null &
  echo $! > "$RUN/kubelet.pid"
  wait_until kubelet "$NODE/kubelet.log" curl -sf --noproxy '*' "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz"
  local kubectl
  kubectl="$dir/kubectl"
  wait_until "node $NODE_NAME Ready" "$NODE/kubelet.log" \
    "$kubectl" --kubeconfig="$cp/kubeconfig" wait --for=condition=Ready "node/$NODE_NAME" --timeout=5s
  for b in kube-controller-manager kube-scheduler containerd kubelet; do
    running_pid "$b" >/dev/null || { tail -20 "$NODE/$b.log" >&2; die "$b exited (log: $NODE/$b.log)"; }
  done
  log "node $NODE_NAME is Ready"
}

PID_DIR="$RUN"
# shellcheck source=lib/stop-one.sh
source "$HERE/lib/stop-one.sh"

# Containers outlive containerd (their shims are separate processes): kill them through containerd first.
remove_containers() {
  running_pid containerd >/dev/null || return 0
  local id
  for id in $(ctr_ tasks ls -q 2>/dev/null); do
    ctr_ tasks kill --signal SIGKILL "$id" >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 25); do
    ctr_ tasks ls -q 2>/dev/null | grep -q . || break
    for id in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete --force "$id" >/dev/null 2>&1 || true; done
    sleep 0.2
  done
  for id in $(ctr_ containers ls -q 2>/dev/null); do
    ctr_ containers delete "$id" >/dev/null 2>&1 || true
  done
}

# Shims this node's containerd started (their command line names our socket), by pid.
kill_shims() {
  local pid
  for pid in $(pgrep -x containerd-shim-runc-v2 2>/dev/null || true); do
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-address $SOCK" && kill -KILL "$pid" 2>/dev/null || true
  done
}

unmount_under() { # <dir>...
  local d
  for d in "$@"; do
    awk -v d="$d" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
  done
}

remove_cgroups() {
  local c
  for c in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/*/kubepods.slice; do
    [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

stop_all() {
  local quiet="${1:-}"
  [ -d "$RUN" ] || { [ -n "$quiet" ] || log "not running"; return 0; }
  stop_one kubelet
  remove_containers
  stop_one containerd
  kill_shims
  stop_one kube-scheduler
  stop_one kube-controller-manager
  unmount_under "$NODE/kubelet" "$RUN" "$NODE/containerd/root"
  remove_cgroups
  restore_sysctls
  if [ -f "$RUN/created-paths" ]; then
    while read -r p; do
      [ -n "$p" ] && [ -e "$p" ] && { unmount_under "$p"; rm -rf "$p"; log "removed $p"; }
    done < "$RUN/created-paths"
  fi
  # Pods do not survive the node: their kubelet state goes; images stay for the next start.
  rm -rf "$NODE/kubelet" "$NODE/logs"
  rm -rf "$RUN"
  [ -n "$quiet" ] || log "stopped"
}

case "${1:-}" in
  start) [ -n "${2:-}" ] || die "usage: $0 start <control-plane state dir>"; start "$2" ;;
  stop) stop_all ;;
  status)
    if running_pid kubelet >/dev/null && running_pid containerd >/dev/null; then log "running"; else log "not running"; exit 1; fi ;;
  import) [ -n "${2:-}" ] || die "usage: $0 import <image archive>"
    running_pid containerd >/dev/null || die "the node is not running"
    import_image "$2" ;;
  check) problem="$(check "${2:-}")" || { echo "$problem"; exit 1; } ;;
  *) echo "usage: $0 start <state>|stop|status|import <archive>|check" >&2; exit 2 ;;
esac
