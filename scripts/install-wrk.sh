#!/usr/bin/env bash
# Installs wrk, the load generator `make bench` drives the site with, from Debian's packages if it is missing.
set -euo pipefail

command -v wrk >/dev/null && exit 0
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "Installing wrk with apt-get"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
