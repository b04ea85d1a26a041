import { z } from 'zod';

/** Feature toggles: on or off for everyone, or on for the listed tenants only. */
export const FeatureToggles = z.record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'feature names are lower-case slugs'), z.union([z.boolean(), z.array(z.string())]));
export type FeatureToggles = z.infer<typeof FeatureToggles>;

/** Unknown features are off: a toggle nobody set cannot switch anything on. */
export function featureEnabled(features: FeatureToggles, name: string, tenant: string): boolean {
  const toggle = features[name];
  return Array.isArray(toggle) ? toggle.includes(tenant) : toggle === true;
}
