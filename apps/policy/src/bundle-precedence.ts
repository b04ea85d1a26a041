import { createHash } from 'node:crypto';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface BundleChoice {
  source: 'file' | 'published';
  /** Said in the start log, so nobody has to guess which bundle is in force. */
  reason: string;
}

export interface BundleCandidates {
  /** The YAML of AGENTOS_POLICY_BUNDLE. */
  file: string;
  /** The bundle in the policy bucket (published with `agentos policy apply`, or the file put there earlier). */
  published?: string;
  /** The sha256 of the file when it was last put in force; recorded by the policy service. */
  fileShaInForce?: string;
}

/**
 * Which bundle is in force at start. A bundle published at run time (`agentos policy apply`) wins over
 * AGENTOS_POLICY_BUNDLE until the file changes: editing the file and restarting puts it back in force.
 * Without this, the file was silently ignored for good once anyone had published.
 */
export function chooseBundle({ file, published, fileShaInForce }: BundleCandidates): BundleChoice {
  const fileSha = sha256(file);
  if (published === undefined) return { source: 'file', reason: 'no bundle has been published' };
  // Published before the file's hash was recorded: keep what the operator published rather than undo it.
  if (fileShaInForce === undefined) return { source: 'published', reason: 'a bundle was published before file changes were tracked; editing the file will put it in force' };
  if (fileShaInForce !== fileSha) return { source: 'file', reason: `the file changed since it was last in force (sha256 ${fileShaInForce.slice(0, 12)} → ${fileSha.slice(0, 12)}): it replaces the published bundle` };
  if (sha256(published) === fileSha) return { source: 'file', reason: 'the file is in force and nothing was published over it' };
  return { source: 'published', reason: 'published with `agentos policy apply` after the file was last in force; the file is unchanged (edit it to put it back in force)' };
}
