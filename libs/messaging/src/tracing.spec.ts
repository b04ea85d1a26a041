import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { RecentSpansExporter } from './tracing';

const spanNamed = (name: string) => ({ name }) as ReadableSpan;
const exported = (exporter: RecentSpansExporter, names: string[]) => exporter.export(names.map(spanNamed), () => undefined);

describe('RecentSpansExporter', () => {
  it('keeps every span until it holds 20,000, oldest first', () => {
    const exporter = new RecentSpansExporter();
    exported(exporter, ['a', 'b']);
    exported(exporter, ['c']);
    expect(exporter.finished().map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  it('then drops the oldest for each new one, still oldest first', () => {
    const exporter = new RecentSpansExporter();
    const names = Array.from({ length: 20_005 }, (_, i) => `s${i}`);
    exported(exporter, names.slice(0, 19_999));
    for (const name of names.slice(19_999)) exported(exporter, [name]);
    const kept = exporter.finished().map((s) => s.name);
    expect(kept).toHaveLength(20_000);
    expect(kept.slice(0, 2)).toEqual(['s5', 's6']);
    expect(kept.slice(-2)).toEqual(['s20003', 's20004']);
  });
});
