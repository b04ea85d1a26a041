/**
 * `npm run bench:screening`: recall and false-positive rate of the prompt-injection detectors on the corpus
 * (test/fixtures/injection/corpus), per family and split, at the default threshold, and each detector's
 * throughput in texts per second. The classifier is the tiny logistic regression of the tests, trained here on
 * the tune split: only its held-out figures say how it generalises. `-- --json` prints one JSON object.
 */
import { DEFAULT_INJECTION_THRESHOLD, detectInjection, onnxClassifier, ruleDetector, type InjectionDetector } from '@agentos/policy-engine';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCorpus, report, type Labelled, type Rates } from '../test/fixtures/injection/corpus-metrics';
import { logisticOnnx, trainLogistic } from '../test/fixtures/injection/tiny-classifier';

const json = process.argv.includes('--json');
const threshold = DEFAULT_INJECTION_THRESHOLD;

async function scores(detectors: InjectionDetector[], corpus: readonly Labelled[]) {
  const started = performance.now();
  const flagged: boolean[] = [];
  for (const item of corpus) flagged.push((await detectInjection(detectors, item.content, threshold)).flagged);
  const seconds = (performance.now() - started) / 1000;
  return { flagged, textsPerSecond: Math.round(corpus.length / seconds) };
}

const pct = (x: number) => (Number.isNaN(x) ? '   -  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
const row = (label: string, all: Rates, heldout: Rates) =>
  `${label.padEnd(28)} ${String(all.attacks || all.benign).padStart(5)}  ${pct(all.attacks ? all.recall : all.fpr)}  ${pct(heldout.attacks ? heldout.recall : heldout.fpr)}`;

async function main() {
  const corpus = loadCorpus();
  const model = join(mkdtempSync(join(tmpdir(), 'agentos-bench-')), 'injection.onnx');
  writeFileSync(model, logisticOnnx(trainLogistic(corpus.filter((i) => i.split === 'tune').map((i) => ({ text: i.content, attack: i.attack })))));
  const classifier = await onnxClassifier(model);
  const runs = { rules: [ruleDetector], classifier: [classifier], 'rules+classifier': [ruleDetector, classifier] };
  const results: Record<string, { textsPerSecond: number; report: ReturnType<typeof report> }> = {};
  for (const [name, detectors] of Object.entries(runs)) {
    const { flagged, textsPerSecond } = await scores(detectors, corpus);
    results[name] = { textsPerSecond, report: report(corpus, flagged) };
  }
  if (json) return void process.stdout.write(`${JSON.stringify({ threshold, items: corpus.length, results })}\n`);
  const lines = [`prompt-injection corpus: ${corpus.filter((i) => i.attack).length} attacks, ${corpus.filter((i) => !i.attack).length} benign; threshold ${threshold}`];
  for (const [name, { textsPerSecond, report: r }] of Object.entries(results)) {
    lines.push('', `── ${name}: ${textsPerSecond} texts/s`, `${'family (recall | FPR)'.padEnd(28)} ${'n'.padStart(5)}  ${'all'.padStart(6)}  ${'heldout'.padStart(6)}`);
    for (const [family, { all, heldout }] of Object.entries(r.families)) lines.push(row(family, all, heldout));
    lines.push(`${'overall recall'.padEnd(28)} ${String(r.overall.attacks).padStart(5)}  ${pct(r.overall.recall)}  ${pct(r.heldout.recall)}`);
    lines.push(`${'overall false positives'.padEnd(28)} ${String(r.overall.benign).padStart(5)}  ${pct(r.overall.fpr)}  ${pct(r.heldout.fpr)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
