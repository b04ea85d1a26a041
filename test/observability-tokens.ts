import { newAccessTokenEntry, type AccessPrincipal } from '@agentos/identity';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A tokens file for the observability app holding the given principals, and their tokens by name:
 * pass `env` to startSystem and send `Authorization: Bearer <tokens[name]>`.
 */
export function observabilityTokens(principals: AccessPrincipal[]): { env: Record<string, string>; tokens: Record<string, string> } {
  const made = principals.map((principal) => newAccessTokenEntry(principal));
  const file = join(mkdtempSync(join(tmpdir(), 'agentos-observability-')), 'tokens.json');
  writeFileSync(file, JSON.stringify({ tokens: made.map((m) => m.entry) }));
  return { env: { AGENTOS_OBSERVABILITY_TOKENS_FILE: file }, tokens: Object.fromEntries(made.map((m) => [m.entry.name, m.token])) };
}
