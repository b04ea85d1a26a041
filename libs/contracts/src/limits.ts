import { z } from 'zod';
import type { ValidationIssue } from './messages/operations';

/**
 * How deeply any payload field may nest. Handlers, stores and serialisers walk values recursively
 * (structuredClone overflows the stack near 2,700 levels, JSON.stringify near 10,000), so a deeper
 * value is refused when the message is read or built, before anything recursive touches it. Above
 * MAX_INPUT_DEPTH, so the messages that carry an input inside others (decision records) still fit.
 */
export const MAX_JSON_DEPTH = 128;

/** How deeply a client's input (an intent's or a workflow run's) may nest. */
export const MAX_INPUT_DEPTH = 64;

/**
 * The JSON size of a client's input. Every string of it is screened for prompt injection, it is
 * copied into tasks and records, and a larger one is better sent by reference (a document id).
 */
export const MAX_INPUT_BYTES = 256 * 1024;

/** Depths past this are not counted on: the value is refused either way, and a cyclic one (built in process) has no end. */
const DEPTH_COUNTED_TO = 1_000_000;

/** `2,700`: limits and sizes are read by people. */
export const formatCount = (n: number) => n.toLocaleString('en-US');

/**
 * How deeply a value nests: 0 for a scalar, 1 for `{}` or `[]`, one more per container inside.
 * Iterative: the values it exists to refuse would overflow a recursive walk.
 */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [node, above] = pending.pop() as [unknown, number];
    if (node === null || typeof node !== 'object' || above >= DEPTH_COUNTED_TO) continue;
    deepest = Math.max(deepest, above + 1);
    for (const child of Object.values(node)) pending.push([child, above + 1]);
  }
  return deepest;
}

/** The size in bytes of a value's JSON text (UTF-8), counted without building it. Iterative, like jsonDepth. */
export function jsonBytes(value: unknown): number {
  let bytes = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') {
      bytes += Buffer.byteLength(JSON.stringify(node) ?? 'null');
      continue;
    }
    const entries = Array.isArray(node) ? node.map((item) => [undefined, item] as const) : Object.entries(node).filter(([, v]) => v !== undefined);
    bytes += 2 + Math.max(0, entries.length - 1); // brackets and commas
    for (const [key, child] of entries) {
      if (key !== undefined) bytes += Buffer.byteLength(JSON.stringify(key)) + 1; // "key":
      pending.push(child);
    }
  }
  return bytes;
}

export const describeDepth = (depth: number, limit: number) =>
  `nested ${depth >= DEPTH_COUNTED_TO ? `over ${formatCount(DEPTH_COUNTED_TO)}` : formatCount(depth)} levels deep; at most ${formatCount(limit)}`;

/** One issue per field of `value` (an object) nested deeper than MAX_JSON_DEPTH, named `<prefix>.<field>`. */
export function nestingIssues(value: unknown, prefix: string): ValidationIssue[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([field, child]) => {
    const depth = jsonDepth(child);
    return depth > MAX_JSON_DEPTH ? [{ path: [prefix, field].filter(Boolean).join('.'), message: describeDepth(depth, MAX_JSON_DEPTH) }] : [];
  });
}

/** A client's input: a JSON object within MAX_INPUT_DEPTH and MAX_INPUT_BYTES, so it is refused where it enters, naming its size or depth. */
export const ClientInput = z.record(z.string(), z.unknown()).superRefine((input, ctx) => {
  const depth = jsonDepth(input);
  if (depth > MAX_INPUT_DEPTH) return ctx.addIssue({ code: 'custom', message: describeDepth(depth, MAX_INPUT_DEPTH) });
  const bytes = jsonBytes(input);
  if (bytes > MAX_INPUT_BYTES) ctx.addIssue({ code: 'custom', message: `${formatCount(bytes)} bytes of JSON; at most ${formatCount(MAX_INPUT_BYTES)}` });
});
