import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessTokenEntry, killSwitchRefusal, loadAccessTokens, newAccessTokenEntry, seesTenant, type AccessPrincipal } from './access-principals';

const as = (tenant: string, role: AccessPrincipal['role']): AccessPrincipal => ({ name: 'p', tenant, role });

describe('the principals of the HTTP faces (gateway and dashboard tokens)', () => {
  it("reads the dashboard's first spellings as the shared model: `*` is the platform, a viewer an auditor", () => {
    const sha256 = 'a'.repeat(64);
    expect(AccessTokenEntry.parse({ sha256, name: 'ops', tenant: '*', role: 'viewer' })).toEqual({ sha256, name: 'ops', tenant: 'system', role: 'auditor' });
    expect(AccessTokenEntry.safeParse({ sha256, name: 'ops', tenant: 'acme', role: 'admin' }).success).toBe(false);
  });

  it('lets the platform see every tenant, anyone else only its own', () => {
    expect(seesTenant(as('system', 'auditor'), 'acme')).toBe(true);
    expect(seesTenant(as('acme', 'auditor'), 'acme')).toBe(true);
    expect(seesTenant(as('acme', 'operator'), 'globex')).toBe(false);
  });

  it('lets a platform operator throw any kill switch, a tenant operator only its own tenant, other roles none', () => {
    expect(killSwitchRefusal(as('system', 'operator'), 'global', '*')).toBeUndefined();
    expect(killSwitchRefusal(as('acme', 'operator'), 'tenant', 'acme')).toBeUndefined();
    expect(killSwitchRefusal(as('acme', 'operator'), 'tenant', 'globex')).toMatch(/only .* tenant acme/);
    expect(killSwitchRefusal(as('acme', 'operator'), 'global', '*')).toMatch(/only .* tenant acme/);
    expect(killSwitchRefusal(as('acme', 'operator'), 'agent', 'summariser')).toMatch(/only .* tenant acme/);
    expect(killSwitchRefusal(as('system', 'auditor'), 'tenant', 'acme')).toBe('p is an auditor: only an operator may throw or release a kill switch');
    expect(killSwitchRefusal(as('system', 'approver'), 'tenant', 'acme')).toMatch(/an approver/);
  });

  it("stops a face at start when a token's creds are another principal's, or lack its tenant or role", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agentos-access-')), 'tokens.json');
    const load = (principal: AccessPrincipal, claims: { name: string; tags: string[] }) => {
      writeFileSync(file, JSON.stringify({ tokens: [newAccessTokenEntry(principal).entry] }));
      return () => loadAccessTokens(file, 'gateway', { needed: () => true, claimsOf: () => claims });
    };
    const olga: AccessPrincipal = { name: 'olga', tenant: 'acme', role: 'operator', creds: '/creds/olga.creds' };
    expect(load(olga, { name: 'olga', tags: ['tenant:acme', 'role:operator', 'kind:user'] })()).toBeDefined();
    expect(load(olga, { name: 'ivan', tags: ['tenant:acme', 'role:operator', 'kind:user'] })).toThrow(/tokens\.0\.creds: \/creds\/olga\.creds belongs to user "ivan", not "olga"/);
    expect(load(olga, { name: 'olga', tags: ['tenant:globex', 'role:auditor', 'kind:user'] })).toThrow(/lacks tenant:acme, role:operator/);
    expect(load({ ...olga, creds: undefined }, { name: 'olga', tags: [] })).toThrow(/olga needs its own creds file/);
  });
});
