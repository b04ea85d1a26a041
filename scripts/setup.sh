#!/usr/bin/env bash
# Everything AgentOS needs on a fresh Debian machine with Node.js 20: Debian's nats-server and the npm
# packages; with --with-browser also Debian's Chromium, which the dashboard's browser test drives.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
wanted=()
command -v nats-server >/dev/null 2>&1 || wanted+=(nats-server)
if [ "${1:-}" = "--with-browser" ] && ! command -v chromium >/dev/null 2>&1; then wanted+=(chromium); fi
if [ ${#wanted[@]} -gt 0 ]; then
  echo "› installing ${wanted[*]} (Debian packages)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${wanted[@]}" >/dev/null
fi
nats-server --version
echo "› installing npm packages"
# onnxruntime-node ships its CPU binaries; its install script would fetch optional CUDA ones from nuget.org.
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
echo "› precompiling the agentos CLI (dist/cli; apps/cli/bin/agentos.js runs the sources while they are newer)"
node -r @swc-node/register scripts/build-app.ts cli
