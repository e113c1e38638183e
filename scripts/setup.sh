#!/usr/bin/env bash
# Installs what is missing: npm packages (from the lockfile), and with --browser Debian's
# chromium + libvulkan1 (SwiftShader WebGPU for Node tests and headless e2e), python3-h5py (an
# independent HDF5 reader for the shower-file tests), slurm-wlm + munge and redis-server (a loopback
# cluster and queue for the sweep tests). Downloads nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--browser" ]; then
  missing=()
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
  ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' || missing+=(libvulkan1)
  # h5py: the independent HDF5 reader the shower-file tests check our files with.
  /usr/bin/python3 -c 'import h5py' >/dev/null 2>&1 || missing+=(python3-h5py)
  # Slurm and munge: the sweep tests start a one-node cluster on loopback (test/cluster/slurm.ts).
  command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 || missing+=(slurm-wlm)
  command -v munged >/dev/null 2>&1 || missing+=(munge)
  # Redis: the BullMQ worker tests start one on loopback (test/cluster/redis.ts).
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "setup: installing Debian packages: ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "setup: missing ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
fi
