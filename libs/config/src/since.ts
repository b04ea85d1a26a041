const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO time, or a span back from now such as 90s, 30m, 2h or 7d; the instant in ms. */
export function parseSince(value: string, now = Date.now()): number {
  const span = /^(\d+)([smhd])$/.exec(value);
  if (span) return now - Number(span[1]) * UNIT_MS[span[2]];
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new Error(`--since takes an ISO time or a span such as 30m, 2h, 7d; not "${value}"`);
  return at;
}
