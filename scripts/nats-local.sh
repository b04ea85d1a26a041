#!/usr/bin/env bash
# Starts Debian's nats-server with JetStream on 127.0.0.1:4222, storing under the repo's ignored .data/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data/nats
exec nats-server -c deploy/nats/agentos.conf -js -a 127.0.0.1 -p "${NATS_PORT:-4222}" -sd .data/nats "$@"
