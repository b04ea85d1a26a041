/**
 * `node -r @swc-node/register scripts/access-token.ts <name> <tenant> <submitter|approver|operator|auditor> [creds]`:
 * prints a new random bearer token for the HTTP faces (the gateway, the observability dashboard) and the entry to add
 * to the file named by AGENTOS_GATEWAY_TOKENS_FILE or AGENTOS_OBSERVABILITY_TOKENS_FILE ({ "tokens": [ ... ] }). The
 * token acts as the NATS principal <name> of <tenant> (`system`: the platform, every tenant) with that role: with NATS
 * auth, pass the creds `agentos principals add --tenant <tenant> --role <role> --name <name> --out <file>` issued (each
 * face checks at start that they are that principal's). Only the hash goes into the file; the token is shown once.
 */
import { USER_ROLES, newAccessTokenEntry, type UserRole } from '@agentos/identity';

const [name, tenant, role, creds] = process.argv.slice(2);
if (!name || !tenant || !USER_ROLES.includes(role as UserRole)) {
  process.stderr.write(`usage: access-token.ts <name> <tenant> <${USER_ROLES.join('|')}> [creds]\n`);
  process.exit(2);
}
try {
  const { token, entry } = newAccessTokenEntry({ name, tenant, role: role as UserRole, ...(creds ? { creds } : {}) });
  process.stdout.write(`token (give it to ${name}; it is not stored): ${token}\nentry for the tokens file:\n${JSON.stringify(entry)}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
