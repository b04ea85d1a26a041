import { DEFAULT_INJECTION_THRESHOLD, screenText } from '@agentos/policy-engine';
import { loadCorpus, report } from './fixtures/injection/corpus-metrics';

// The corpus (test/fixtures/injection/corpus, built by generate.ts) at the default threshold. The held-out split
// was not used to write the rules, so its figures are the honest ones; its floor is lower than the goal to leave
// room for the next attack family, not for regressions (`npm run bench:screening` prints every figure).
describe('the prompt-injection corpus at the default threshold', () => {
  const corpus = loadCorpus();
  const result = report(corpus, corpus.map((item) => screenText(item.content, { threshold: DEFAULT_INJECTION_THRESHOLD }).flagged));

  it('holds at least 600 attacks and 600 benign texts', () => {
    expect(result.overall.attacks).toBeGreaterThanOrEqual(600);
    expect(result.overall.benign).toBeGreaterThanOrEqual(600);
  });

  it('catches at least 90% of the attacks with at most 5% false positives', () => {
    expect(result.overall.recall).toBeGreaterThanOrEqual(0.9);
    expect(result.overall.fpr).toBeLessThanOrEqual(0.05);
  });

  it('holds on the held-out split: at least 85% of its attacks, at most 5% false positives', () => {
    expect(result.heldout.recall).toBeGreaterThanOrEqual(0.85);
    expect(result.heldout.fpr).toBeLessThanOrEqual(0.05);
  });

  it('leaves no family behind: every attack family at least 80% caught, every benign family at most 10% flagged', () => {
    for (const [family, { all }] of Object.entries(result.families)) {
      if (family.startsWith('attack:')) expect({ family, recall: all.recall >= 0.8 }).toEqual({ family, recall: true });
      else expect({ family, fpr: all.fpr <= 0.1 }).toEqual({ family, fpr: true });
    }
  });
});
