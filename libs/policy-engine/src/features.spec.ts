import { featureEnabled } from './features';

describe('feature toggles', () => {
  const features = { 'new-planner': true, 'beta-tools': ['acme'], 'old-path': false };
  it('given a boolean toggle, is on or off for every tenant', () => {
    expect(featureEnabled(features, 'new-planner', 'globex')).toBe(true);
    expect(featureEnabled(features, 'old-path', 'acme')).toBe(false);
  });
  it('given a tenant list, is on only for those tenants', () => {
    expect(featureEnabled(features, 'beta-tools', 'acme')).toBe(true);
    expect(featureEnabled(features, 'beta-tools', 'globex')).toBe(false);
  });
  it('given an unknown feature, is off', () => {
    expect(featureEnabled(features, 'never-declared', 'acme')).toBe(false);
  });
});
