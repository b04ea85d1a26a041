// Rule-based prompt-injection screening for text that reaches an agent (user input, tool results, agent notes).
export type { InjectionCategory, InjectionFinding, ScreenResult } from './types';
export { DEFAULT_INJECTION_THRESHOLD, screenText, textOf } from './screen';
export { markUntrusted } from './untrusted';
export { detectInjection, ruleDetector, type CombinedVerdict, type DetectionContext, type DetectorVerdict, type InjectionDetector } from './detector';
export { FEATURE_DIMENSIONS, ngramFeatures } from './ngram-features';
export { CLASSIFIER_INPUT, onnxClassifier } from './onnx-classifier';
export { rot13 } from './decoders';
