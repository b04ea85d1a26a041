// The classifier's input: hashed character n-grams of the normalised text. Computed here, in TypeScript, so an
// operator's model only has to be a function of a fixed-size vector (a logistic regression, a small MLP).
import { normalise } from './normalise';

/** Length of the feature vector: the model's input is float32 [1, FEATURE_DIMENSIONS]. */
export const FEATURE_DIMENSIONS = 4096;
const N_MIN = 2;
const N_MAX = 4;
/** Long texts are featurised from their first characters: enough to read, bounded cost. */
const MAX_CHARS = 20_000;

/** FNV-1a over the UTF-16 code units: stable across runs and platforms. */
function hash(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Counts of every 2- to 4-character n-gram (word edges marked by spaces), hashed into buckets, L2-normalised. */
export function ngramFeatures(text: string): Float32Array {
  const padded = ` ${normalise(text.slice(0, MAX_CHARS)).replace(/\s+/g, ' ')} `;
  const vector = new Float32Array(FEATURE_DIMENSIONS);
  for (let n = N_MIN; n <= N_MAX; n += 1) {
    for (let i = 0; i + n <= padded.length; i += 1) vector[hash(padded, i, i + n) % FEATURE_DIMENSIONS] += 1;
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < vector.length; i += 1) vector[i] /= norm;
  return vector;
}
