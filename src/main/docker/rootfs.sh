#!/bin/sh
# Turns extracted Debian packages into the operator image's base root filesystem: trims what a JVM never
# reads, adds the user 185 and a jlink runtime in /opt/java. Run by hack/image.sh on the mmdebstrap
# output and by Containerfile in its build stage, so both build the same base.
# Usage: rootfs.sh <rootfs dir> <JAVA_HOME of a JDK 17 with jmods>
set -eu
rootfs="$1"
java_home="$2"
. "$(dirname "$0")/image.env"

# Docs, locales, charset converters, package metadata and caches.
for d in usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/lintian usr/share/gcc \
  usr/share/gdb usr/share/bug usr/lib/x86_64-linux-gnu/gconv usr/libexec var/lib/dpkg var/lib/apt \
  var/cache var/log etc/apt etc/dpkg etc/ld.so.conf.d dev; do
  rm -rf "${rootfs:?}/$d"
done
mkdir -p "$rootfs/dev" "$rootfs/proc" "$rootfs/sys" "$rootfs/etc" "$rootfs/tmp" "$rootfs/run" \
  "$rootfs/var/tmp" "$rootfs/deployments" "$rootfs/opt"
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"

# The user the chart runs as (runAsUser 185), as in the Red Hat OpenJDK images.
printf 'root:x:0:0:root:/root:/sbin/nologin\noperator:x:185:185:smtp-probe-operator:/deployments:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\noperator:x:185:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
: > "$rootfs/etc/hosts"
: > "$rootfs/etc/resolv.conf"

rm -rf "$rootfs/opt/java"
# shellcheck disable=SC2086 # JLINK_OPTIONS is a list
"$java_home/bin/jlink" --add-modules "$MODULES" --output "$rootfs/opt/java" $JLINK_OPTIONS

# Debian's JDK keeps its trust store and security files as symlinks into /etc: copy their contents.
find "$rootfs/opt/java" -type l | while read -r f; do
  target="$(readlink -f "$f")"
  case "$target" in "$rootfs"/*) continue ;; esac
  if [ -e "$target" ]; then cp -r --remove-destination "$target" "$f"; else rm -f "$f"; fi
done
[ -s "$rootfs/opt/java/lib/security/cacerts" ] || { echo "rootfs.sh: the runtime has no trust store" >&2; exit 1; }
ldconfig -r "$rootfs" 2>/dev/null || true
