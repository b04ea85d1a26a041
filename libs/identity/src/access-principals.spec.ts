import { AccessTokenEntry, killSwitchRefusal, seesTenant, type AccessPrincipal } from './access-principals';

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
});
