#!/usr/bin/env bash
# Starts Debian's nats-server with JetStream on 127.0.0.1:4222, storing under the repo's ignored .data/.
# Secure by default: operator mode (decentralized JWT auth) on the identity in AGENTOS_IDENTITY_DIR
# (.data/identity, generated on first use by scripts/nats-config.ts); each app connects with its own
# NATS_CREDS from there. AGENTOS_INSECURE=1: no authentication (with a warning). Arguments go to nats-server.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${AGENTOS_INSECURE:-}" = "1" ]; then
  echo "WARNING: AGENTOS_INSECURE=1: NATS runs WITHOUT authentication; any local process can publish as any tenant and principal" >&2
  config=deploy/nats/agentos.conf
else
  config=$(node -r @swc-node/register scripts/nats-config.ts)
fi
mkdir -p .data/nats
exec nats-server -c "$config" -js -a 127.0.0.1 -p "${NATS_PORT:-4222}" -sd .data/nats "$@"
