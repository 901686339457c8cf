#!/usr/bin/env bash
# Installs what Skiff needs when it is missing: npm packages, and the Debian packages the
# tests and benchmarks use. Idempotent and quiet when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.skiff-deps
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || { [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; }; then
  echo "skiff: installing npm packages..." >&2
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
  touch "$stamp"
fi

# Debian packages, only for what asks for them (SKIFF_APT="pkg ..."); root and apt required.
# A package counts as present when the file Skiff uses from it exists (no dpkg call on the
# hot path of `skiff up`); unknown names fall back to dpkg.
apt_file() {
  case "$1" in
    containerd) echo /usr/bin/containerd ;;
    runc) echo /usr/sbin/runc ;;
    containernetworking-plugins) echo /usr/lib/cni/bridge ;;
    docker-registry) echo /usr/bin/docker-registry ;;
    busybox-static) echo /bin/busybox ;;
    nftables) echo /usr/sbin/nft ;;
    iproute2) echo /usr/sbin/ip ;;
    iptables) echo /usr/sbin/iptables ;;
    gcc) echo /usr/bin/gcc ;;
    skopeo) echo /usr/bin/skopeo ;;
    tmux) echo /usr/bin/tmux ;;
    libc6-dev) echo /usr/lib/x86_64-linux-gnu/libc.a ;;
    *) echo "" ;;
  esac
}
if [ -n "${SKIFF_APT:-}" ]; then
  missing=()
  for p in $SKIFF_APT; do
    f="$(apt_file "$p")"
    if [ -n "$f" ]; then [ -e "$f" ] || missing+=("$p"); else dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "skiff: installing Debian packages: ${missing[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then echo "skiff: need root to apt-get install ${missing[*]}" >&2; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq "${missing[@]}" >&2
  fi
fi
