import { parsePolicyBundle } from './bundle';
import { retentionDue } from './retention';

const bundle = (retention: string) => parsePolicyBundle(`version: r\n${retention}\nrules: []\n`, 'r.yaml');

describe('retention rules in the policy bundle', () => {
  it('given a default and a tenant override, when a pass is due, then each tenant gets its own rule per kind', () => {
    const { retention } = bundle('retention:\n  default: { memory: 30d, runs: 1y }\n  tenants:\n    acme: { memory: 10s }');
    const now = Date.parse('2026-12-03T12:00:00Z');
    expect(retentionDue(retention, ['globex', 'acme'], now)).toEqual([
      { tenant: 'acme', kind: 'memory', retainedForMs: 10_000, before: now - 10_000 },
      { tenant: 'acme', kind: 'runs', retainedForMs: 365 * 86_400_000, before: now - 365 * 86_400_000 },
      { tenant: 'globex', kind: 'memory', retainedForMs: 30 * 86_400_000, before: now - 30 * 86_400_000 },
      { tenant: 'globex', kind: 'runs', retainedForMs: 365 * 86_400_000, before: now - 365 * 86_400_000 },
    ]);
  });

  it('keeps data for good where no rule names its kind, and for tenants the rules name even before they have data', () => {
    const { retention } = bundle('retention:\n  tenants:\n    initech: { runs: 2h }');
    expect(retentionDue(retention, ['acme'], 7_200_000)).toEqual([{ tenant: 'initech', kind: 'runs', retainedForMs: 7_200_000, before: 0 }]);
    expect(retentionDue(bundle('').retention, ['acme'], 1)).toEqual([]);
  });

  it('refuses a period without a unit, an unknown kind or unit, naming the line', () => {
    expect(() => bundle('retention:\n  default: { memory: 30 }')).toThrow(/r\.yaml:3.*retention\.default\.memory/s);
    expect(() => bundle('retention:\n  default: { memory: 3w }')).toThrow(/whole number and s, m, h, d or y/);
    expect(() => bundle('retention:\n  default: { audit: 1d }')).toThrow(/audit/);
  });
});
