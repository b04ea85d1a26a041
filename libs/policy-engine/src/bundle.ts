import { PolicyAction, PolicyEffect } from '@agentos/contracts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/** A rule matches when every field it sets matches; unset fields match anything. */
export const PolicyRule = z.object({
  id: z.string().min(1),
  effect: PolicyEffect,
  actions: z.array(PolicyAction).min(1),
  tenants: z.array(z.string()).optional(),
  owners: z.array(z.string()).optional(),
  agents: z.array(z.string()).optional(),
  /** Resource names (tool, capability, memory scope); `*` suffix matches a prefix. */
  resources: z.array(z.string()).optional(),
  reason: z.string().min(1),
});
export type PolicyRule = z.infer<typeof PolicyRule>;

export const PolicyBundle = z.object({
  version: z.string().min(1),
  rules: z.array(PolicyRule),
});
export type PolicyBundle = z.infer<typeof PolicyBundle>;

/** Reads and validates a YAML bundle; errors name the file and the offending field. */
export function loadPolicyBundle(path: string): PolicyBundle {
  const parsed = PolicyBundle.safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid policy bundle ${path}: ${detail}`);
  }
  return parsed.data;
}
