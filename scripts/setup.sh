#!/usr/bin/env bash
# Everything AgentOS needs on a fresh Debian machine with Node.js 20: Debian's nats-server and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nats-server >/dev/null 2>&1; then
  echo "› installing nats-server (Debian package)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nats-server >/dev/null
fi
nats-server --version
echo "› installing npm packages"
npm ci --no-audit --no-fund
