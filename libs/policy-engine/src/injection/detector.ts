// Detectors behind one port, so the rule-based screener, an operator's classifier and a model judge combine by
// score and each one's verdict is recorded beside the combined one.
import { LRUCache } from 'lru-cache';
import { screenText } from './screen';
import type { InjectionFinding } from './types';

export interface DetectorVerdict {
  detector: string;
  /** In [0, 1]: how sure the detector is that the text is an injection. */
  score: number;
  /** What made the score, when the detector can say (the rules that fired). */
  findings?: InjectionFinding[];
}

/** Whose content a text is: a detector that remembers verdicts keeps each tenant's apart. */
export interface DetectionContext {
  tenant?: string;
}

/** One way of telling injections from ordinary text. */
export interface InjectionDetector {
  readonly name: string;
  detect(text: string, context?: DetectionContext): Promise<DetectorVerdict>;
}

export interface CombinedVerdict {
  /** The highest detector score: a detector sure of an attack is not outvoted by others that miss it. */
  score: number;
  flagged: boolean;
  verdicts: DetectorVerdict[];
}

/** Texts up to this long have their rule verdicts remembered; longer ones are read each time (and seldom repeat). */
const REMEMBERED_TEXT_CHARS = 2_048;

/**
 * The rules' verdicts on texts seen lately, per tenant. The rules are a pure function of the text, and a task's input
 * repeats most of its texts from one task to the next (its keys, its enumerated values), while reading one text runs
 * every rule over it and its decoded views: the most CPU a task's screening took. Per tenant, so that how fast an
 * answer comes tells no tenant what another screened lately. Bounded by size (about 20 MB of text).
 */
const verdicts = new LRUCache<string, DetectorVerdict>({ max: 10_000, maxSize: 10_000_000, sizeCalculation: (_, key) => key.length + 1 });

/** The rule-based screener as a detector. */
export const ruleDetector: InjectionDetector = {
  name: 'rules',
  detect: async (text, context) => {
    const key = `${context?.tenant ?? ''}\u0000${text}`;
    const remembered = verdicts.get(key);
    if (remembered) return remembered;
    const { score, findings } = screenText(text, { threshold: 1 });
    const verdict: DetectorVerdict = { detector: 'rules', score, findings };
    if (text.length <= REMEMBERED_TEXT_CHARS) verdicts.set(key, verdict);
    return verdict;
  },
};

/** Runs every detector on the text; no detector at all passes everything (detection switched off). */
export async function detectInjection(detectors: readonly InjectionDetector[], text: string, threshold: number, context?: DetectionContext): Promise<CombinedVerdict> {
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`threshold must be in [0, 1], got ${threshold}`);
  const verdicts = await Promise.all(detectors.map((d) => d.detect(text, context)));
  const score = Math.max(0, ...verdicts.map((v) => v.score));
  return { score, flagged: verdicts.length > 0 && score >= threshold, verdicts };
}
