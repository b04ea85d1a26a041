/**
 * `node -r @swc-node/register scripts/observability-token.ts <name> <tenant|*> <viewer|operator>`:
 * prints a new random access token for the observability dashboard and APIs, and the entry to add to
 * the file named by AGENTOS_OBSERVABILITY_TOKENS_FILE ({ "tokens": [ ... ] }). Only the hash goes into
 * the file; the token is shown once.
 */
import { newToken } from '../apps/observability/src/http/tokens';

const [name, tenant, role] = process.argv.slice(2);
if (!name || !tenant || (role !== 'viewer' && role !== 'operator')) {
  process.stderr.write('usage: observability-token.ts <name> <tenant|*> <viewer|operator>\n');
  process.exit(2);
}
try {
  const { token, entry } = newToken({ name, tenant, role });
  process.stdout.write(`token (give it to ${name}; it is not stored): ${token}\nentry for the tokens file:\n${JSON.stringify(entry)}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
