import { text } from '@agentos/config';
import { serviceSettings } from '@agentos/service-host';
import { join } from 'node:path';
import type { z } from 'zod';

const DEFAULT_BUNDLE = join(__dirname, '../../../config/policy/default.yaml');

export const policySettings = serviceSettings.extend({
  /** The bundle file; whether it or a bundle published with `agentos policy apply` is in force: see bundle-precedence.ts. */
  AGENTOS_POLICY_BUNDLE: text(DEFAULT_BUNDLE),
  /** An ONNX prompt-injection classifier (onnx-classifier.ts): the bundle's `classifier` detector; none by default. */
  AGENTOS_INJECTION_MODEL: text(),
});

export type PolicySettings = z.output<typeof policySettings>;
