import type { LanguageModel } from './language-model';
import { localModel } from './local-model';
import { isHttpUrl, openAiCompatibleModel } from './openai-compatible';

const KINDS = ['local', 'openai'] as const;

/**
 * Picks the model from the environment, so the same agent code runs on the local model in tests
 * and the demo and on a real server in production, without a code change:
 * AGENTOS_LLM=local|openai (default local); for openai, AGENTOS_LLM_BASE_URL (required),
 * AGENTOS_LLM_API_KEY, AGENTOS_LLM_MODEL (default gpt-4o-mini) and AGENTOS_LLM_TIMEOUT_MS.
 * Bad settings fail here, at start-up, naming the variable, rather than on the first task.
 */
export function languageModelFromEnv(env: NodeJS.ProcessEnv = process.env): LanguageModel {
  const kind = env.AGENTOS_LLM?.trim() || 'local';
  if (kind === 'local') return localModel();
  if (kind !== 'openai') throw new Error(`AGENTOS_LLM must be one of ${KINDS.join(', ')}; got ${JSON.stringify(kind)}`);

  const baseUrl = env.AGENTOS_LLM_BASE_URL?.trim();
  if (!baseUrl) throw new Error('AGENTOS_LLM_BASE_URL is required when AGENTOS_LLM=openai (e.g. http://127.0.0.1:8080/v1)');
  if (!isHttpUrl(baseUrl)) throw new Error(`AGENTOS_LLM_BASE_URL is not an http(s) URL: ${JSON.stringify(baseUrl)}`);
  const timeout = env.AGENTOS_LLM_TIMEOUT_MS?.trim();
  const timeoutMs = timeout ? Number(timeout) : undefined;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new Error(`AGENTOS_LLM_TIMEOUT_MS must be a positive whole number of milliseconds; got ${JSON.stringify(timeout)}`);
  }
  return openAiCompatibleModel({
    baseUrl,
    apiKey: env.AGENTOS_LLM_API_KEY?.trim() || undefined,
    model: env.AGENTOS_LLM_MODEL?.trim() || 'gpt-4o-mini',
    timeoutMs,
  });
}
