#!/usr/bin/env bash
# Starts Debian's nats-server with JetStream on 127.0.0.1:4222, storing under the repo's ignored .data/.
# --auth: with a NATS user per service and agent, each limited to its subjects: deploy/nats/agentos-auth.conf,
# regenerated from the permission table by scripts/nats-users.ts, with the passwords of (the git-ignored)
# deploy/nats/agentos-users.env, which is created on first use. Other arguments go to nats-server.
set -euo pipefail
cd "$(dirname "$0")/.."
config=deploy/nats/agentos.conf
auth=
args=()
for arg in "$@"; do
  if [ "$arg" = "--auth" ]; then auth=1; else args+=("$arg"); fi
done
if [ -n "$auth" ]; then
  node -r @swc-node/register scripts/nats-users.ts >&2
  # The configuration names each password's variable; nats-server reads them from its environment.
  set -a
  . deploy/nats/agentos-users.env
  set +a
  config=deploy/nats/agentos-auth.conf
fi
mkdir -p .data/nats
exec nats-server -c "$config" -js -a 127.0.0.1 -p "${NATS_PORT:-4222}" -sd .data/nats ${args[@]+"${args[@]}"}
