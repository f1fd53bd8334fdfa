#!/usr/bin/env bash
# Prometheus and promtool from Debian's prometheus package, extracted into the cache, never installed:
# installing the package would start a system Prometheus listening on every interface. Also the
# ServiceMonitor and PrometheusRule CRDs of prometheus-operator, from its Go module's
# example/prometheus-operator-crd/, into crds/. Idempotent. Prints the directory holding all of it.
set -euo pipefail
CACHE="${SMTPPROBE_CACHE:-$HOME/.cache/smtp-probe-operator}"
DIR="$CACHE/prometheus"
log() { echo "prometheus: $*" >&2; }

version="$(apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ { print $2 }')"
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  apt-get update -qq >&2
  version="$(apt-cache policy prometheus | awk '/Candidate:/ { print $2 }')"
fi
[ -n "$version" ] && [ "$version" != "(none)" ] || { log "ERROR: Debian has no prometheus package here"; exit 1; }
PROMETHEUS_OPERATOR_VERSION=v0.85.0
GO="$(command -v go || echo /usr/local/go/bin/go)"
crds() {
  [ "$(cat "$DIR/crds/stamp" 2>/dev/null)" = "$PROMETHEUS_OPERATOR_VERSION" ] && return
  local moddir
  moddir="$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod "$GO" mod download -json \
    "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" \
    | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  [ -d "$moddir/example/prometheus-operator-crd" ] || { log "ERROR: no CRDs in prometheus-operator $PROMETHEUS_OPERATOR_VERSION"; exit 1; }
  mkdir -p "$DIR/crds"
  cp "$moddir"/example/prometheus-operator-crd/monitoring.coreos.com_{servicemonitors,prometheusrules}.yaml "$DIR/crds/"
  echo "$PROMETHEUS_OPERATOR_VERSION" > "$DIR/crds/stamp"
  log "prometheus-operator $PROMETHEUS_OPERATOR_VERSION CRDs in $DIR/crds"
}
if [ -x "$DIR/promtool" ] && [ -x "$DIR/prometheus" ] && [ "$(cat "$DIR/stamp" 2>/dev/null)" = "$version" ]; then
  crds
  echo "$DIR"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq "prometheus=$version" >&2)
dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
mkdir -p "$DIR"
install -m 0755 "$work/root/usr/bin/promtool" "$work/root/usr/bin/prometheus" "$DIR/"
echo "$version" > "$DIR/stamp"
log "extracted prometheus and promtool $version into $DIR"
crds
echo "$DIR"
