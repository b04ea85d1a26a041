import { asHistory } from '../scripts/chaos/report';

const headings = (text: string) => text.split('\n').filter((line) => line.startsWith('#'));

describe('docs/reliability.md history (scripts/chaos/report.ts)', () => {
  it('moves the last latest run under the earlier ones, newest first, without nesting older runs deeper', () => {
    const previous = [
      '# Reliability: the chaos suite',
      '',
      '## Latest run: intents and workflows (commit `b`)',
      '',
      'run b figures',
      '',
      '### Reading the figures',
      '',
      '## Earlier runs',
      '',
      '### Run: intents and workflows (commit `a`)',
      '',
      'run a figures',
      '',
      '#### Reading the figures',
    ].join('\n');
    const history = asHistory(previous);
    expect(headings(history)).toEqual(['### Run: intents and workflows (commit `b`)', '#### Reading the figures', '### Run: intents and workflows (commit `a`)', '#### Reading the figures']);
    expect(history).toContain('run b figures');
    expect(history).toContain('run a figures');
    expect(history.indexOf('run b figures')).toBeLessThan(history.indexOf('run a figures'));
    // Once more, as the next run's --write does: still no deeper than a run's own subsections.
    const again = asHistory(`# Reliability: the chaos suite\n\n## Latest run: (commit \`c\`)\n\nrun c\n\n## Earlier runs\n\n${history}\n`);
    expect(headings(again).map((h) => h.split(' ')[0])).toEqual(['###', '###', '####', '###', '####']);
  });
});
