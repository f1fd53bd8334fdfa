#!/usr/bin/env bash
# Builds the control-plane binaries the e2e tests and `make run` use, into a cache outside the
# repository so `git clean` and fresh worktrees do not pay for a kube-apiserver build again:
#
#   $SMTPPROBE_CACHE/k8s/<k8s-version>-linux-amd64/{kube-apiserver,etcd,kubectl}
#   $SMTPPROBE_CACHE/k8s/<k8s-version>-linux-amd64/{kubelet,kube-controller-manager,kube-scheduler,pause}
#   $SMTPPROBE_CACHE/bin/helm
#
# The second line is the node hack/local-cluster.sh runs the operator's pod on; pause is the
# sandbox process of every pod, compiled statically from the module's build/pause/linux/pause.c.
# SMTPPROBE_NODE_BINARIES=false skips them (only the control plane and helm).
#
# The k8s/ layout is the one io.fabric8:kube-api-test scans, so KUBE_API_TEST_DIR=$SMTPPROBE_CACHE
# with KUBE_API_TEST_OFFLINE_MODE=true finds these binaries too.
#
# Idempotent: every artefact carries a stamp of what it was built from (module version and go.sum
# hash, or the source binary's version) and is only rebuilt when that stamp changes.
# Usage: hack/build-controlplane.sh [--force]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SMTPPROBE_CACHE:-$HOME/.cache/smtp-probe-operator}"
FORCE=false
[ "${1:-}" = "--force" ] && FORCE=true

log() { echo "build-controlplane: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

GO="$(command -v go || true)"
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
[ -n "$GO" ] || die "no Go toolchain found (looked on PATH and in /usr/local/go/bin)"

module_version() { # <go.mod> <module path>
  awk -v m="$2" '$1 == "require" && $2 == m { print $3 } $1 == m && $2 ~ /^v/ { print $2 }' "$1" | head -1
}

K8S_MOD="$HERE/controlplane/kube-apiserver"
HELM_MOD="$HERE/controlplane/helm"
K8S_VERSION="$(module_version "$K8S_MOD/go.mod" k8s.io/kubernetes)"
HELM_VERSION="$(module_version "$HELM_MOD/go.mod" helm.sh/helm/v3)"
[ -n "$K8S_VERSION" ] || die "cannot read the k8s.io/kubernetes version from $K8S_MOD/go.mod"
[ -n "$HELM_VERSION" ] || die "cannot read the helm version from $HELM_MOD/go.mod"

K8S_DIR="$CACHE/k8s/${K8S_VERSION#v}-linux-amd64"
BIN_DIR="$CACHE/bin"
mkdir -p "$K8S_DIR" "$BIN_DIR"

up_to_date() { # <binary> <expected stamp>
  ! $FORCE && [ -x "$1" ] && [ -f "$1.stamp" ] && [ "$(cat "$1.stamp")" = "$2" ]
}

# Bumped whenever the build flags below change, so cached binaries built differently are rebuilt.
RECIPE=3

# go build from a helper module; -mod=readonly so a go.mod/go.sum drift fails instead of
# silently resolving different versions than the ones committed. Static (no cgo) like upstream.
go_build() { # <module dir> <package> <output> <stamp> [extra ldflags]
  local dir="$1" pkg="$2" out="$3" stamp="recipe:$RECIPE $4" ldflags="-s -w ${5:-}" started
  if up_to_date "$out" "$stamp"; then
    log "$(basename "$out") up to date ($stamp)"
    return
  fi
  log "building $pkg -> $out (slow on few cores)"
  started=$(date +%s)
  (cd "$dir" && GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 \
     "$GO" build -trimpath -ldflags="$ldflags" -o "$out.tmp" "$pkg") \
    || die "go build of $pkg failed (module $dir)"
  mv -f "$out.tmp" "$out"
  echo "$stamp" > "$out.stamp"
  log "built $(basename "$out") in $(( $(date +%s) - started ))s"
}

# A binary we take from the system instead of building: a symlink plus a stamp of its version.
link_system() { # <source> <link> <stamp>
  local src="$1" link="$2" stamp="$3"
  if up_to_date "$link" "$stamp" && [ "$(readlink "$link")" = "$src" ]; then
    log "$(basename "$link") up to date ($stamp)"
    return
  fi
  ln -sfn "$src" "$link"
  echo "$stamp" > "$link.stamp"
  log "linked $link -> $src ($stamp)"
}

sum_of() { sha256sum "$1" | cut -c1-16; }

# The commit and date the module proxy recorded for a release tag, so version stamps are reproducible.
module_origin() { # <module dir> <module@version>  ->  "<commit> <date>"
  local info
  info="$(cd "$1" && "$GO" mod download -json "$2")" || die "cannot resolve $2"
  echo "$(sed -n 's/.*"Hash": "\([0-9a-f]*\)".*/\1/p' <<<"$info" | head -1)" \
    "$(sed -n 's/.*"Time": "\([^"]*\)".*/\1/p' "$(sed -n 's/.*"Info": "\([^"]*\)".*/\1/p' <<<"$info")")"
}

# Upstream stamps the release into the binary with -X; without it /version says v0.0.0-master and
# clients that check the server version get confused.
k8s_version_ldflags() {
  local commit date minor pkg flags=""
  read -r commit date <<<"$(module_origin "$K8S_MOD" "k8s.io/kubernetes@$K8S_VERSION")"
  minor="$(cut -d. -f2 <<<"$K8S_VERSION")"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitCommit=$commit -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
  done
  echo "$flags"
}

# Like helm's Makefile: its version, and the Kubernetes version `helm template` assumes without a
# cluster, derived from the client-go it is built with (v0.N.x is Kubernetes 1.N).
helm_version_ldflags() {
  local commit date k8s_minor
  read -r commit date <<<"$(module_origin "$HELM_MOD" "helm.sh/helm/v3@$HELM_VERSION")"
  k8s_minor="$(module_version "$HELM_MOD/go.mod" k8s.io/client-go | cut -d. -f2)"
  [ -n "$k8s_minor" ] || die "cannot read the k8s.io/client-go version from $HELM_MOD/go.mod"
  echo "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "-X helm.sh/helm/v3/internal/version.gitCommit=$commit" \
    "-X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor" \
    "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor"
}

K8S_LDFLAGS="$(k8s_version_ldflags)"

go_build "$K8S_MOD" k8s.io/kubernetes/cmd/kube-apiserver "$K8S_DIR/kube-apiserver" \
  "kube-apiserver $K8S_VERSION go.sum:$(sum_of "$K8S_MOD/go.sum")" "$K8S_LDFLAGS"

if [ "${SMTPPROBE_NODE_BINARIES:-true}" = true ]; then
  for cmd in kube-controller-manager kube-scheduler kubelet; do
    go_build "$K8S_MOD" "k8s.io/kubernetes/cmd/$cmd" "$K8S_DIR/$cmd" \
      "$cmd $K8S_VERSION go.sum:$(sum_of "$K8S_MOD/go.sum")" "$K8S_LDFLAGS"
  done

  # The pause binary, as upstream builds it (build/pause/Makefile): static, with its version.
  PAUSE_SRC="$(cd "$K8S_MOD" && GOFLAGS=-mod=readonly "$GO" list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
  [ -f "$PAUSE_SRC" ] || die "cannot find $PAUSE_SRC in the module cache"
  PAUSE_VERSION="$(sed -n 's/^TAG[ ?:]*= *//p' "$(dirname "$(dirname "$PAUSE_SRC")")/Makefile" | head -1)"
  PAUSE_STAMP="recipe:$RECIPE pause ${PAUSE_VERSION:-unknown} $K8S_VERSION src:$(sum_of "$PAUSE_SRC") cc:$(cc -dumpfullversion 2>/dev/null)"
  if up_to_date "$K8S_DIR/pause" "$PAUSE_STAMP"; then
    log "pause up to date ($PAUSE_STAMP)"
  else
    cc -Os -Wall -Werror -static -DVERSION="v${PAUSE_VERSION:-unknown}" -o "$K8S_DIR/pause.tmp" "$PAUSE_SRC" \
      || die "cc could not build $PAUSE_SRC statically (is libc6-dev installed?)"
    strip "$K8S_DIR/pause.tmp"
    mv -f "$K8S_DIR/pause.tmp" "$K8S_DIR/pause"
    echo "$PAUSE_STAMP" > "$K8S_DIR/pause.stamp"
    log "built pause ${PAUSE_VERSION:-unknown}"
  fi
fi

ETCD_SRC=/usr/bin/etcd
[ -x "$ETCD_SRC" ] || die "$ETCD_SRC missing: run hack/install-deps.sh (Debian package etcd-server)"
ETCD_VERSION="$("$ETCD_SRC" --version 2>/dev/null | awk '/etcd Version/ { print $3 }')"
[ -n "$ETCD_VERSION" ] || die "$ETCD_SRC --version did not report a version"
link_system "$ETCD_SRC" "$K8S_DIR/etcd" "etcd $ETCD_VERSION"

# kubectl must be within one minor of the apiserver; the SDK's 1.33 build is, and building it
# ourselves would add several minutes for no gain. Fall back to building it from the same module.
KUBECTL_SRC="${SMTPPROBE_SYSTEM_KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}"
if [ -x "$KUBECTL_SRC" ]; then
  KUBECTL_VERSION="$("$KUBECTL_SRC" version --client 2>/dev/null | awk '/Client Version/ { print $3 }')"
  link_system "$KUBECTL_SRC" "$K8S_DIR/kubectl" "kubectl ${KUBECTL_VERSION:-unknown}"
else
  log "$KUBECTL_SRC not found, building kubectl from k8s.io/kubernetes $K8S_VERSION"
  [ -L "$K8S_DIR/kubectl" ] && rm -f "$K8S_DIR/kubectl"
  go_build "$K8S_MOD" k8s.io/kubernetes/cmd/kubectl "$K8S_DIR/kubectl" \
    "kubectl $K8S_VERSION go.sum:$(sum_of "$K8S_MOD/go.sum")" "$K8S_LDFLAGS"
fi

go_build "$HELM_MOD" helm.sh/helm/v3/cmd/helm "$BIN_DIR/helm" \
  "helm $HELM_VERSION go.sum:$(sum_of "$HELM_MOD/go.sum")" "$(helm_version_ldflags)"

log "control plane ready in $K8S_DIR, helm in $BIN_DIR"
