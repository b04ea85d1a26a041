import { LabelOrigin, PolicyAction, PolicyEffect, parseYamlDocument } from '@agentos/contracts';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Budgets } from './budget';
import { FeatureToggles } from './features';
import { RateLimit } from './rate-limit';
import { RetentionSettings } from './retention';

const Hour = z.number().int().min(0).max(24);

/**
 * The run's own input and the agent's private memory are trusted; derived origins (an agent's or a model's
 * output) are too, because the labels of what they were derived from travel with them.
 */
export const DEFAULT_TRUSTED_ORIGINS: readonly LabelOrigin[] = ['user_input', 'own_memory', 'agent_output', 'model_output'];

/** A rule matches when every condition it sets holds; unset conditions match anything. */
export const PolicyRule = z.object({
  id: z.string().min(1),
  effect: PolicyEffect,
  actions: z.array(PolicyAction).min(1),
  tenants: z.array(z.string()).optional(),
  owners: z.array(z.string()).optional(),
  agents: z.array(z.string()).optional(),
  versions: z.array(z.string()).optional(),
  /** Resource names (tool, capability, memory scope); a `*` suffix matches a prefix. */
  resources: z.array(z.string()).optional(),
  classifications: z.array(z.string()).optional(),
  when: z
    .object({
      /** UTC hours [from, to): the rule applies only then (from > to wraps past midnight). */
      hoursUtc: z.tuple([Hour, Hour]).optional(),
      /** The rule applies while the caller's `costSoFar` is at most this. */
      maxCostSoFar: z.number().nonnegative().optional(),
      /**
       * The rule applies when the caller's context (its labels) is untrusted: it holds content of an origin
       * the bundle does not trust (`informationFlow.trustedOrigins`); or trusted: it holds none.
       */
      context: z.enum(['trusted', 'untrusted']).optional(),
      /** The rule applies when the caller's context holds content of any of these origins. */
      origins: z.array(LabelOrigin).min(1).optional(),
    })
    .strict()
    .optional(),
  reason: z.string().min(1),
});
export type PolicyRule = z.infer<typeof PolicyRule>;

/** The prompt-injection detectors: the rule-based screener, and a classifier when the operator supplies a model. */
export const DetectorName = z.enum(['rules', 'classifier']);
export type DetectorName = z.infer<typeof DetectorName>;

export const ScreeningSettings = z.object({
  /** Injection score at or above which content is flagged. */
  threshold: z.number().min(0).max(1).default(0.5),
  /** Flagged content is withheld from the prompt (quarantine) or passed with a warning marker. */
  onFlag: z.enum(['quarantine', 'mark']).default('quarantine'),
  /** Which detectors screen content; `[]` switches detection off (information-flow rules still hold). */
  detectors: z.array(DetectorName).default(['rules']),
});

/** Which origins of content a bundle trusts (see ContentLabel); content of any other origin makes a context untrusted. */
export const InformationFlowSettings = z.object({
  trustedOrigins: z.array(LabelOrigin).default([...DEFAULT_TRUSTED_ORIGINS]),
});

export const PolicyBundle = z.object({
  version: z.string().min(1),
  informationFlow: InformationFlowSettings.default({ trustedOrigins: [...DEFAULT_TRUSTED_ORIGINS] }),
  screening: ScreeningSettings.default({ threshold: 0.5, onFlag: 'quarantine', detectors: ['rules'] }),
  rateLimits: z.array(RateLimit).default([]),
  budgets: Budgets.default({}),
  features: FeatureToggles.default({}),
  /** How long tenants' data is kept, per kind: applied by `agentos retention apply` (README, Erasure by crypto-shredding). */
  retention: RetentionSettings.default({ default: {}, tenants: {} }),
  rules: z.array(PolicyRule).superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate rule id "${rule.id}"` });
      seen.add(rule.id);
    });
  }),
});
export type PolicyBundle = z.infer<typeof PolicyBundle>;

/** Parses and validates a YAML bundle; errors name the source, line and field. */
export const parsePolicyBundle = (yaml: string, source: string): PolicyBundle => parseYamlDocument(yaml, PolicyBundle, source);

export const loadPolicyBundle = (path: string): PolicyBundle => parsePolicyBundle(readFileSync(path, 'utf8'), path);
