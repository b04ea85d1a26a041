// An operator's classifier, run in process through onnxruntime-node (CPU). The model takes the hashed n-gram
// features (ngram-features.ts) and gives the probability that the text is an injection.
import type { InjectionDetector } from './detector';
import { FEATURE_DIMENSIONS, ngramFeatures } from './ngram-features';

/** What the model must look like: one float32 input [batch, FEATURE_DIMENSIONS], one output of probabilities [batch, 1]. */
export const CLASSIFIER_INPUT = 'features';

/**
 * Loads the model and checks its shape. onnxruntime-node is loaded only here, so a policy service without a model
 * never loads its native binaries.
 */
export async function onnxClassifier(modelPath: string, name = 'classifier'): Promise<InjectionDetector> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelPath);
  if (!session.inputNames.includes(CLASSIFIER_INPUT)) {
    throw new Error(`${modelPath}: the model's input must be named "${CLASSIFIER_INPUT}" (float32 [1, ${FEATURE_DIMENSIONS}]); it has ${session.inputNames.join(', ')}`);
  }
  const [output] = session.outputNames;
  return {
    name,
    async detect(text) {
      const features = new ort.Tensor('float32', ngramFeatures(text), [1, FEATURE_DIMENSIONS]);
      const result = await session.run({ [CLASSIFIER_INPUT]: features });
      const score = Number((result[output].data as Float32Array)[0]);
      if (!Number.isFinite(score)) throw new Error(`${modelPath}: the model gave ${score}, not a probability`);
      return { detector: name, score: Math.min(1, Math.max(0, score)) };
    },
  };
}
