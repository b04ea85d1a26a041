import { LanguageModelError, type CompletionRequest, type LanguageModel } from './language-model';
import { parseChatCompletion } from './openai-response';
import { isRetryableStatus, retryDelayMs, sleep } from './retry-delay';

export interface OpenAiCompatibleOptions {
  /** Up to and including the API version, e.g. `http://127.0.0.1:8080/v1`; a trailing slash is fine. */
  baseUrl: string;
  /** Sent as a Bearer token when given; local servers usually need none. */
  apiKey?: string;
  model: string;
  /** Bounds the whole call, retries and backoff included, so callers know the worst case. */
  timeoutMs?: number;
  /** Injected in tests; defaults to Node's global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Further attempts after the first, for 429, 5xx and unreachable servers only. */
  maxRetries?: number;
}

/** Why one attempt did not give a completion, and whether another attempt might. */
interface Failure {
  retryable: boolean;
  retryAfter: string | null;
  message: string;
  status?: number;
  body?: string;
  cause?: unknown;
}

/**
 * A LanguageModel backed by any server speaking OpenAI's chat-completions API. Retries transient
 * failures with backoff; rejects with LanguageModelError for server errors, malformed answers and
 * timeouts, and with the caller's own abort reason when the request's signal aborts.
 */
export function openAiCompatibleModel(options: OpenAiCompatibleOptions): LanguageModel {
  const { apiKey, model, timeoutMs = 60_000, fetch: fetchImpl = globalThis.fetch, maxRetries = 2 } = options;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  if (!isHttpUrl(url)) throw new Error(`openAiCompatibleModel: baseUrl ${JSON.stringify(options.baseUrl)} is not an http(s) URL`);
  if (!(timeoutMs > 0)) throw new Error(`openAiCompatibleModel: timeoutMs must be positive, got ${timeoutMs}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new Error(`openAiCompatibleModel: maxRetries must be a whole number ≥ 0, got ${maxRetries}`);

  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  // Some servers echo request headers in their error bodies; the key must not reach logs through us.
  const redact = (text: string) => (apiKey ? text.split(apiKey).join('[redacted]') : text);

  const attempt = async (body: string, signal: AbortSignal): Promise<{ ok: true; text: string } | { ok: false; failure: Failure }> => {
    let response: Response;
    try {
      response = await fetchImpl(url, { method: 'POST', headers, body, signal });
    } catch (error) {
      if (signal.aborted) throw error; // an abort is not a failure to retry: complete() reports it
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      // A refused or reset connection is as transient as a 503 (a server restarting, say).
      return { ok: false, failure: { retryable: true, retryAfter: null, message: `POST ${url} failed: ${redact(String(reason))}`, cause: error } };
    }
    const text = await response.text();
    if (response.ok) return { ok: true, text };
    // Redact before cutting, so a key straddling the cut cannot leak in part.
    const excerpt = redact(text).slice(0, 500);
    return {
      ok: false,
      failure: {
        retryable: isRetryableStatus(response.status),
        retryAfter: response.headers.get('retry-after'),
        message: `POST ${url} failed: HTTP ${response.status}: ${excerpt}`,
        status: response.status,
        body: excerpt,
      },
    };
  };

  return {
    name: `openai-compatible:${model}`,
    async complete(request) {
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
      const body = JSON.stringify(requestBody(model, request));
      try {
        for (let tries = 1; ; tries += 1) {
          const outcome = await attempt(body, signal);
          if (outcome.ok) return parseChatCompletion(outcome.text); // a malformed 2xx is not retried: it would repeat
          const { failure } = outcome;
          if (!failure.retryable || tries > maxRetries) {
            const message = tries > 1 ? `${failure.message} (after ${tries} attempts)` : failure.message;
            throw new LanguageModelError(message, { status: failure.status, body: failure.body, cause: failure.cause });
          }
          await sleep(retryDelayMs(tries - 1, failure.retryAfter), signal);
        }
      } catch (error) {
        if (error instanceof LanguageModelError || !signal.aborted) throw error;
        // The caller's own abort (a killed task, say) surfaces as the caller's reason, as fetch would.
        if (request.signal?.aborted) throw request.signal.reason;
        throw new LanguageModelError(`no chat completion from ${url} within ${timeoutMs} ms`, { cause: error });
      }
    },
  };
}

/** The JSON body: fields the caller left undefined are left out, so the server's defaults apply. */
function requestBody(model: string, request: CompletionRequest) {
  return {
    model: request.model ?? model,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

/** `localhost:8080` parses as a URL with scheme "localhost:", so the scheme is checked too. */
export const isHttpUrl = (text: string) => URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol);
