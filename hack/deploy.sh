#!/usr/bin/env bash
# `make deploy`: the image of `make image` into the current kube context, then `helm upgrade --install`.
#
# How the image reaches the cluster depends on it:
#   IMAGE_REGISTRY=host[:port]/path   pushed there with skopeo (Debian's skopeo; log in first with
#                                     `skopeo login`), and the chart points at it
#   a kind context (kind-NAME)        `kind load image-archive` into the cluster NAME
#   the minikube context              `minikube image load`
# Anything else needs IMAGE_REGISTRY. For the local cluster of `make run` use `make run`: it sets the
# values a node without a pod network needs.
#
# NAMESPACE (smtp-probe) and HELM_ARGS (extra helm arguments, e.g. "-f my-values.yaml") are passed on.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CACHE="${SMTPPROBE_CACHE:-$HOME/.cache/smtp-probe-operator}"
ARCHIVE="$ROOT/target/image/smtp-probe-operator.tar"
NAMESPACE="${NAMESPACE:-smtp-probe}"

log() { echo "deploy: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ -f "$ARCHIVE" ] && [ -f "$ROOT/target/image/ref" ] || die "no image: run make image"
KUBECTL="$(ls -d "$CACHE"/k8s/1.33.*-linux-amd64 2>/dev/null | sort -t. -k3 -n | tail -1)/kubectl"
HELM="$CACHE/bin/helm"
[ -x "$KUBECTL" ] && [ -x "$HELM" ] || die "no kubectl or helm in $CACHE: run make controlplane"

context="$("$KUBECTL" config current-context 2>/dev/null)" || die "no current kube context (make run starts a local cluster)"
ref="$(cat "$ROOT/target/image/ref")"
repository="${ref%:*}"
tag="${ref##*:}"

if [ -n "${IMAGE_REGISTRY:-}" ]; then
  command -v skopeo >/dev/null || die "pushing needs skopeo (apt-get install skopeo)"
  repository="$IMAGE_REGISTRY/smtp-probe-operator"
  log "pushing $repository:$tag"
  skopeo copy "oci-archive:$ARCHIVE" "docker://$repository:$tag"
elif [[ "$context" == kind-* ]]; then
  command -v kind >/dev/null || die "context $context looks like kind, but kind is not on PATH"
  log "loading $ref into kind cluster ${context#kind-}"
  kind load image-archive "$ARCHIVE" --name "${context#kind-}"
elif [ "$context" = minikube ]; then
  command -v minikube >/dev/null || die "context minikube, but minikube is not on PATH"
  log "loading $ref into minikube"
  minikube image load "$ARCHIVE"
elif [ "$context" = smtp-probe-local ]; then
  die "context $context is the local cluster of make run: use make run"
else
  die "context $context: set IMAGE_REGISTRY to a registry the cluster pulls from"
fi

# Helm never upgrades crds/ after the first install; without this an upgrade keeps the old schema, and
# the API server drops the newer spec and status fields.
log "applying the CRD to $context (server-side)"
"$KUBECTL" apply --server-side --force-conflicts -f "$ROOT/helm/smtp-probe-operator/crds/" >&2
log "helm upgrade --install into $context, namespace $NAMESPACE"
# shellcheck disable=SC2086 # HELM_ARGS is a list of arguments
"$HELM" upgrade --install smtp-probe-operator "$ROOT/helm/smtp-probe-operator" \
  --namespace "$NAMESPACE" --create-namespace --wait --timeout 180s \
  --set image.repository="$repository" --set image.tag="$tag" ${HELM_ARGS:-}
"$KUBECTL" get pods -n "$NAMESPACE" -l app.kubernetes.io/instance=smtp-probe-operator >&2
