import type { z } from 'zod';
import { CATALOG, type EarlierVersion, type MessageType } from './catalog';

/** The versions of a type the catalogue accepts, oldest first: its earlier ones and the current. */
export function acceptedVersions(type: MessageType): number[] {
  const spec = CATALOG[type] as { version: number; earlier?: Record<number, EarlierVersion> };
  return [...Object.keys(spec.earlier ?? {}).map(Number), spec.version].sort((a, b) => a - b);
}

export type Upcast = { ok: true; payload: unknown } | { ok: false; version: number; error: z.ZodError };

/**
 * A payload of an earlier version brought to the current one: validated against each version's schema and
 * passed through its upcaster, one version at a time. Pure: the recorded message is not changed.
 */
export function upcastPayload(type: MessageType, version: number, payload: unknown): Upcast {
  const spec = CATALOG[type] as { version: number; earlier?: Record<number, EarlierVersion> };
  let current = payload;
  for (let v = version; v < spec.version; v += 1) {
    const step = spec.earlier?.[v];
    if (!step) throw new RangeError(`${type} has no upcaster from version ${v}`);
    const parsed = step.schema.safeParse(current);
    if (!parsed.success) return { ok: false, version: v, error: parsed.error };
    current = (step.upcast as (p: unknown) => unknown)(parsed.data);
  }
  return { ok: true, payload: current };
}

/** True when the catalogue still reads this version of the type, but it is not the current one. */
export const isEarlierVersion = (type: MessageType, version: number): boolean =>
  // On every event read from the store: kept to two property reads.
  version !== CATALOG[type].version && (CATALOG[type] as { earlier?: Record<number, EarlierVersion> }).earlier?.[version] !== undefined;
