/**
 * `node -r @swc-node/register scripts/nats-config.ts`: the operator-mode nats-server configuration of the local
 * identity (AGENTOS_IDENTITY_DIR, default .data/identity; generated on first use with creds for every service,
 * demo agent, the CLI and admin). Prints the configuration's path; scripts/nats-local.sh starts nats-server on it.
 */
import { identityDirFromEnv, prepareIdentity } from '@agentos/testing';

async function main() {
  const identityDir = identityDirFromEnv();
  const { writeConfig } = await prepareIdentity({ identityDir });
  process.stderr.write(`nats: operator mode; creds in ${identityDir}/creds (e.g. NATS_CREDS=${identityDir}/creds/cli.creds for the CLI)\n`);
  process.stdout.write(`${writeConfig()}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`nats-config: ${error.message}\n`);
  process.exit(1);
});
