#!/usr/bin/env bash
# `make image`: builds the operator image with no container daemon and no registry.
#
#   layer 1, base   Debian bookworm's libc6, libgcc-s1, libstdc++6 and zlib1g, extracted by mmdebstrap
#                   (no dpkg, apt, shell, docs or caches), plus a jlink-trimmed Java 17 runtime made from
#                   the build's own JDK (Debian's openjdk-17) in /opt/java, the user 185 and a /tmp. Cached in
#                   $SMTPPROBE_CACHE/image/base-<recipe hash>, rebuilt only when its recipe changes.
#   layer 2, deps   target/quarkus-app/lib (third-party jars: changes when the dependencies do)
#   layer 3, app    the rest of target/quarkus-app (the operator's code: changes with every commit)
#
# Output, from target/quarkus-app (make build first):
#   target/image/smtp-probe-operator.tar   an OCI image layout with Docker's manifest.json beside it, which
#                                          `ctr images import`, `docker load` and `podman load` all take
#   target/image/ref                       the image reference, smtp-probe-operator:<12 hex of the config digest>
#   target/image/size                      the uncompressed size of all layers, in bytes
# The tag is content-addressed: the same jars and base give the same tag, any change a new one.
#
# The recipe (packages, Java modules, JVM options) is src/main/docker/image.env and rootfs.sh, which
# src/main/docker/Containerfile uses too: the same image for anyone with Docker or Podman.
# Usage: hack/image.sh [--print-ref]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CACHE="${SMTPPROBE_CACHE:-$HOME/.cache/smtp-probe-operator}"
APP="$ROOT/target/quarkus-app"
OUT="$ROOT/target/image"
REPOSITORY="${IMAGE_REPOSITORY:-smtp-probe-operator}"
SUITE=bookworm
# One date for every file in every layer, so the same inputs give the same bytes and the same tag.
export SOURCE_DATE_EPOCH=0

log() { echo "image: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ -f "$APP/quarkus-run.jar" ] || die "$APP/quarkus-run.jar is missing: run make build first"
[ "$(id -u)" -eq 0 ] || die "mmdebstrap needs root here (it extracts packages owned by root)"

JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
[ -x "$JAVA_HOME/bin/jlink" ] && [ -d "$JAVA_HOME/jmods" ] \
  || die "$JAVA_HOME has no jlink or jmods: a full JDK 17 is needed (Debian openjdk-17-jdk-headless)"
JDK_VERSION="$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release")"
case "$JDK_VERSION" in 17.*) ;; *) die "the image runs Java 17; $JAVA_HOME is $JDK_VERSION" ;; esac
JDK_BUILD="$(sed -n 's/^IMPLEMENTOR_VERSION="\(.*\)"/\1/p;s/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release" | tr '\n' ' ')"

# --- the base layer's recipe: every input that changes its bytes ---------------------------------------
RECIPE_DIR="$ROOT/src/main/docker"
# shellcheck source=../src/main/docker/image.env
. "$RECIPE_DIR/image.env"
# The Debian versions apt would extract now (from the local package lists; no network): a security
# update of libc6 and the like rebuilds the base on the next run after `apt-get update`.
DEB_VERSIONS="$(for p in $PACKAGES; do apt-cache policy "$p" 2>/dev/null | awk -v p="$p" '/Candidate:/ { print p "=" $2 }'; done | tr '\n' ' ')"
BASE_RECIPE="recipe:2 suite:$SUITE debs:$DEB_VERSIONS jdk:$JDK_VERSION $JDK_BUILD cacerts:$(sha256sum < "$JAVA_HOME/lib/security/cacerts" | cut -c1-16) env:$(sha256sum < "$RECIPE_DIR/image.env" | cut -c1-16) rootfs.sh:$(sha256sum < "$RECIPE_DIR/rootfs.sh" | cut -c1-16) script:$(sed -n '/^build_base()/,/^}/p' "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
BASE_HASH="$(echo "$BASE_RECIPE" | sha256sum | cut -c1-16)"
BASE="$CACHE/image/base-$BASE_HASH"

# Deterministic tar of a directory's contents: sorted, fixed dates, numeric owners, no atime/ctime.
det_tar() { # <dir> <output tar>
  tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$1" -cf "$2" .
}

build_base() {
  command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: run hack/install-deps.sh"
  local work="$BASE.tmp" rootfs sources f
  rm -rf "$work"
  mkdir -p "$work"
  rootfs="$work/rootfs"
  sources=
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    [ -s "$f" ] && { sources="$f"; break; }
  done
  [ -n "$sources" ] || die "no Debian apt sources on this machine to take the packages from"
  log "building the base ($BASE_HASH): $PACKAGES from $SUITE, jlink $JDK_VERSION"
  # extract: unpack the packages only; no maintainer scripts, no dpkg database, no apt.
  mmdebstrap --quiet --variant=extract --include="${PACKAGES// /,}" --mode=root \
    --skip=output/dev --skip=output/mknod \
    "$SUITE" "$rootfs" "$sources" >&2 || die "mmdebstrap failed"
  sh "$RECIPE_DIR/rootfs.sh" "$rootfs" "$JAVA_HOME" >&2 || die "$RECIPE_DIR/rootfs.sh failed"
  # A smoke test in a private mount namespace (the launcher needs /proc to find its own libraries).
  unshare --mount --propagation private sh -c 'mount -t proc proc "$1/proc" && chroot "$1" /opt/java/bin/java -Xshare:on -version' \
    _ "$rootfs" >/dev/null 2>&1 \
    || die "the runtime does not start inside the base root filesystem"
  det_tar "$rootfs" "$work/layer.tar"
  echo "$BASE_RECIPE" > "$work/recipe"
  rm -rf "$rootfs" "$BASE"
  mv "$work" "$BASE"
  log "base built: $(du -m "$BASE/layer.tar" | cut -f1) MiB uncompressed"
}
# --- end of the base layer's recipe ----------------------------------------------------------------

mkdir -p "$CACHE/image"
if [ -f "$BASE/layer.tar" ] && [ "$(cat "$BASE/recipe" 2>/dev/null)" = "$BASE_RECIPE" ]; then
  log "base up to date ($BASE_HASH)"
else
  build_base
  # Older bases are never used again.
  find "$CACHE/image" -maxdepth 1 -name 'base-*' ! -name "base-$BASE_HASH" -exec rm -rf {} +
fi

# --- the application layers ---------------------------------------------------------------------------
STAGE="$OUT/stage"
rm -rf "$STAGE"
mkdir -p "$STAGE/deps/deployments" "$STAGE/app/deployments" "$OUT"
cp -r "$APP/lib" "$STAGE/deps/deployments/"
cp -r "$APP/app" "$APP/quarkus" "$APP/quarkus-run.jar" "$STAGE/app/deployments/"
# Owned by root and read-only to the operator's user: it runs its code, it never writes it.
chmod -R u=rwX,go=rX "$STAGE/deps" "$STAGE/app"
det_tar "$STAGE/deps" "$STAGE/deps.tar"
det_tar "$STAGE/app" "$STAGE/app.tar"

python3 "$HERE/oci-image.py" --out "$OUT/smtp-probe-operator.tar" --repository "$REPOSITORY" \
  --layer "$BASE/layer.tar" --layer "$STAGE/deps.tar" --layer "$STAGE/app.tar" \
  --java-options "$JAVA_OPTIONS" --work "$STAGE/oci" > "$OUT/ref"
rm -rf "$STAGE"
REF="$(cat "$OUT/ref")"
SIZE="$(cat "$OUT/size" 2>/dev/null || echo 0)"
log "built $REF: $OUT/smtp-probe-operator.tar ($(du -m "$OUT/smtp-probe-operator.tar" | cut -f1) MiB compressed, $((SIZE / 1048576)) MiB uncompressed)"
[ "${1:-}" = "--print-ref" ] && echo "$REF"
exit 0
