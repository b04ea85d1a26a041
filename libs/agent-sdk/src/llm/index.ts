export * from './language-model';
export { openAiCompatibleModel, type OpenAiCompatibleOptions } from './openai-compatible';
export * from './local-model';
export * from './from-env';
