/**
 * The port agents use to ask a language model for text. Agents depend on this interface only, so
 * the same agent runs against the deterministic local model in tests and the demo, and against any
 * OpenAI-compatible server (OpenAI, vLLM, llama.cpp, Ollama) in production.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  /** Overrides the model the adapter was configured with, for this request only. */
  model?: string;
  maxTokens?: number;
  temperature?: number;
  /** Pass the agent's ctx.signal so a killed or timed-out task stops waiting on the model. */
  signal?: AbortSignal;
}

export interface Completion {
  text: string;
  /** The model that answered, as the server reports it (it may differ from the one asked for). */
  model: string;
  /** Reported so the agent can pass tokens to ctx.usage.record(), where budgets are enforced. */
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  /** 'stop' for a natural end, 'length' when maxTokens cut the answer short; servers may add others. */
  finishReason: string;
}

export interface LanguageModel {
  readonly name: string;
  complete(request: CompletionRequest): Promise<Completion>;
}

/**
 * A completion could not be had: the server answered with an error, answered in a shape we do
 * not understand, could not be reached, or did not answer in time. Messages never carry the API key.
 */
export class LanguageModelError extends Error {
  override name = 'LanguageModelError';
  /** HTTP status when the server answered with one. */
  readonly status?: number;
  /** The start of the server's error body, for diagnosis. */
  readonly body?: string;

  constructor(message: string, details: { status?: number; body?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.body = details.body;
  }
}
