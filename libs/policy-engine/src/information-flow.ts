// Information-flow control: a caller's context is labelled by where its content came from (ContentLabel), and
// rules condition on those labels rather than on what the content says.
import type { ContentLabel } from '@agentos/contracts';

/** The labels of origins the bundle does not trust. */
export const untrustedLabels = (labels: readonly ContentLabel[], trusted: ReadonlySet<string>): ContentLabel[] => labels.filter((l) => !trusted.has(l.origin));

const SHOWN = 5;

/** `tool_result tool:web-fetch, agent_note tenant note by agent:x and 2 more`: for reasons and reports. */
export function describeUntrusted(labels: readonly ContentLabel[]): string {
  const shown = labels.slice(0, SHOWN).map((l) => `${l.origin} ${l.source}`).join(', ');
  return labels.length > SHOWN ? `${shown} and ${labels.length - SHOWN} more` : shown;
}
