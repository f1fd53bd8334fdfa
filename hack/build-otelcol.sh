#!/usr/bin/env bash
# Builds hack/otelcol (an OpenTelemetry Collector with only the OTLP receiver and the debug exporter) into
# $SMTPPROBE_CACHE/otelcol/otelcol, from the Go module proxy, once; OtlpCollectorTest runs it on loopback.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SMTPPROBE_CACHE:-$HOME/.cache/smtp-probe-operator}"
VERSION=v0.165.0
# the stable modules of the same release (confmap, pdata, ...) are versioned 1.x
STABLE=v1.71.0
# a changed main.go is a new binary
OUT="$CACHE/otelcol/otelcol-$VERSION-$(cat "$HERE/otelcol/main.go" "$HERE/otelcol/go.mod" | sha256sum | cut -c1-12)"
if [ -x "$OUT" ]; then echo "$OUT"; exit 0; fi
mkdir -p "$CACHE/otelcol"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/otelcol/main.go" "$HERE/otelcol/go.mod" "$WORK/"
cd "$WORK"
for m in otelcol receiver/otlpreceiver exporter/debugexporter; do
  go get "go.opentelemetry.io/collector/$m@$VERSION" >&2
done
go get "go.opentelemetry.io/collector/confmap/provider/fileprovider@$STABLE" >&2
go mod tidy >&2
CGO_ENABLED=0 go build -trimpath -o "$OUT" . >&2
echo "$OUT"
