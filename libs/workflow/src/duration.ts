const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/**
 * Converts a written duration to milliseconds: a whole number is already milliseconds, a string
 * carries its unit ("500ms", "30s", "1.5m", "1h"). Strings without a unit are refused because
 * "30" is as likely meant as seconds as milliseconds.
 */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw new Error(`invalid duration ${value}: a number of milliseconds must be a whole number ≥ 0`);
  }
  const match = DURATION.exec(value.trim());
  if (!match) throw new Error(`invalid duration "${value}": write a number followed by ms, s, m or h (e.g. 500ms, 30s, 2m, 1h), or whole milliseconds`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** The shortest exact written form, for messages ("30s" rather than 30000). */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${ms}ms`;
}
