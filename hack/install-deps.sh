#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks use. Idempotent: does nothing when present.
#   postfix, dnsmasq-base        the demo mail world
#   sasl2-bin, libsasl2-modules  Cyrus SASL (saslpasswd2, PLAIN and LOGIN) for the submission Postfix with AUTH
#   etcd-server                  the control plane's store
#   mmdebstrap                   the operator image's base (make image)
#   containerd, runc, containernetworking-plugins   the node that runs the operator's pod
#   chromium, chromium-driver    the status page's browser tests (Selenium drives Debian's build; nothing is downloaded)
#   exim4-daemon-light           a second MTA for the real-peer tier, unpacked into the cache (below)
#   nsd, ldnsutils               an authoritative DNS server and the DNSSEC signer for the DANE tests
#   nginx-light                  the HTTPS server of the MTA-STS policies (testsupport/Nginx: own config, loopback only)
set -euo pipefail
need=()
for pkg in postfix dnsmasq-base sasl2-bin libsasl2-modules etcd-server mmdebstrap containerd runc containernetworking-plugins chromium chromium-driver nsd ldnsutils nginx-light; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
if [ ${#need[@]} -gt 0 ]; then
  # Postfix must not come up as a system MTA: "No configuration" leaves it unconfigured and stopped.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # NSD must not run as a system service on port 53: the tests start their own on loopback
  if [[ " ${need[*]} " == *" nsd "* ]] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now nsd >/dev/null 2>&1 || true
  fi
  # The tests start nginx themselves on 127.0.0.1; the package's own service (port 80 on every
  # address) must not run. Where systemd started it, stop and disable it.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled nginx >/dev/null 2>&1; then
    $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
fi
bash "$(dirname "$0")/install-exim.sh"
