import { finishedSpans } from '@agentos/messaging';

type Spans = ReturnType<typeof finishedSpans>;

/** Time per operation (an intent, a call) by span name (handlers, publishes, requests, event-store appends), largest first. */
export function spanBreakdown(spans: Spans, operations: number): { span: string; perOperation: number; msPerOperation: number }[] {
  const bySpan = new Map<string, { count: number; ms: number }>();
  for (const span of spans) {
    const entry = bySpan.get(span.name) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += span.duration[0] * 1_000 + span.duration[1] / 1e6;
    bySpan.set(span.name, entry);
  }
  return [...bySpan.entries()]
    .map(([span, { count, ms }]) => ({ span, perOperation: count / operations, msPerOperation: ms / operations }))
    .sort((a, b) => b.msPerOperation - a.msPerOperation);
}

/** The spans this process finished that started at or after `epochMs` (the exporter keeps only the latest 20,000). */
export const spansSince = (epochMs: number): Spans => finishedSpans().filter((span) => span.startTime[0] * 1_000 + span.startTime[1] / 1e6 >= epochMs);

/** The breakdown as a table, one span a line. */
export function printSpanBreakdown(title: string, spans: Spans, operations: number): void {
  console.log(`\n${title}`);
  console.log(`  ${'span'.padEnd(44)} ${'count'.padStart(6)} ${'ms'.padStart(8)}`);
  for (const row of spanBreakdown(spans, operations)) console.log(`  ${row.span.padEnd(44)} ${row.perOperation.toFixed(1).padStart(6)} ${row.msPerOperation.toFixed(2).padStart(8)}`);
}
