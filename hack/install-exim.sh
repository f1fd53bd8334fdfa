#!/usr/bin/env bash
# Unpacks Debian's Exim into $SMTPPROBE_CACHE/exim for the real-peer tier (testsupport/Exim.java).
# Installing exim4 would remove Postfix (both are the system's mail-transport-agent), so the daemon
# package and those of its libraries this machine lacks are fetched with `apt-get download` and
# unpacked with `dpkg-deb -x`; nothing is configured and nothing runs. Idempotent: skipped when present.
set -euo pipefail
EXIM_DIR="${SMTPPROBE_CACHE:-$HOME/.cache/smtp-probe-operator}/exim"
BINARY="$EXIM_DIR/usr/sbin/exim4"
LIBS="$EXIM_DIR/usr/lib/x86_64-linux-gnu"
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo

# The binary is built for this user (EXIM_USER=ref:Debian-exim) and will not start without it; it
# is the account exim4-base's postinst would create, with no home and no shell.
if ! getent passwd Debian-exim >/dev/null; then
  $SUDO useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin Debian-exim
fi

[ -x "$BINARY" ] && exit 0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt's download sandbox user must be able to write the directory.
chmod 755 "$work" && chown _apt "$work" 2>/dev/null || true
download() { (cd "$work" && apt-get download -qq "$@"); }
download exim4-daemon-light || { $SUDO apt-get update -qq && download exim4-daemon-light; }

# Its Depends, minus exim4-base (the spool, cron jobs and the user above) and debconf, that are not
# installed here; on Debian 12 that is libidn12.
missing=()
for dep in $(dpkg-deb -f "$work"/exim4-daemon-light_*.deb Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g'); do
  case "$dep" in exim4-base|debconf|debconf-2.0) continue ;; esac
  dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q 'install ok installed' || missing+=("$dep")
done
[ ${#missing[@]} -gt 0 ] && download "${missing[@]}"

mkdir -p "$work/root"
for deb in "$work"/*.deb; do
  dpkg-deb -x "$deb" "$work/root"
done
# The package's binary is setuid root; the tests start it as root anyway, and a setuid copy in a
# cache is a hole. Without the bit it also keeps LD_LIBRARY_PATH when Exim re-execs itself to deliver.
chmod u-s "$work/root/usr/sbin/exim4"
if LD_LIBRARY_PATH="$work/root/usr/lib/x86_64-linux-gnu" ldd "$work/root/usr/sbin/exim4" | grep 'not found'; then
  echo "install-exim.sh: exim4 still misses the libraries above" >&2
  exit 1
fi
# Which package versions the unpacked tree came from, for bug reports.
(cd "$work" && ls -1 ./*.deb | sed 's|^\./||') > "$work/root/PACKAGES"
mkdir -p "$(dirname "$EXIM_DIR")"
rm -rf "$EXIM_DIR"
mv "$work/root" "$EXIM_DIR"
echo "install-exim.sh: $(LD_LIBRARY_PATH="$LIBS" "$BINARY" -bV -C /dev/null 2>/dev/null | head -1) in $EXIM_DIR"
