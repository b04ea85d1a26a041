/**
 * `node -r @swc-node/register scripts/nats-config.ts`: the operator-mode nats-server configuration of the local
 * identity (AGENTOS_IDENTITY_DIR, default .data/identity; generated on first use with creds for every service,
 * demo agent, the CLI and admin). Prints the configuration's path; scripts/nats-local.sh starts nats-server on it.
 * `--deploy`: writes it to <identity>/deploy/ instead, for the NATS containers of deploy/compose.yaml (which mount
 * that directory at /etc/nats/agentos, and the creds at /run/agentos/nats), the resolver on their /data volume;
 * its `auth.conf` alone is what the official NATS Helm chart includes (deploy/k8s/nats-values.yaml).
 */
import { identityDirFromEnv, prepareIdentity, writeOperatorConfig } from '@agentos/testing';
import { join } from 'node:path';

async function main() {
  const identityDir = identityDirFromEnv();
  const { writeConfig, store } = await prepareIdentity({ identityDir });
  process.stderr.write(`nats: operator mode; creds in ${identityDir}/creds (e.g. NATS_CREDS=${identityDir}/creds/cli.creds for the CLI)\n`);
  if (!process.argv.includes('--deploy')) return void process.stdout.write(`${writeConfig()}\n`);
  const config = writeOperatorConfig(store, join(identityDir, 'deploy'), '/data/resolver');
  // KEDA's nats-jetstream scaler names the account whose consumers it reads (deploy/k8s, deploy/helm).
  process.stderr.write(`nats: the AGENTOS account (KEDA's account) is ${store.accountPublicKey}\n`);
  process.stdout.write(`${config}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`nats-config: ${error.message}\n`);
  process.exit(1);
});
