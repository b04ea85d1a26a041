import { describeZodError } from '@agentos/contracts';
import { z } from 'zod';
import { LanguageModelError, type Completion } from './language-model';

/**
 * The part of an OpenAI chat-completions response we rely on. Anything else the server sends
 * (id, created, logprobs, system_fingerprint, ...) is ignored, so compatible servers that add or
 * omit extras still work. Usage is required: token budgets are enforced on it.
 */
const ChatCompletionResponse = z.object({
  model: z.string(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string() }),
        // Some compatible servers send null here; the OpenAI API itself always sends a string.
        finish_reason: z.string().nullable(),
      }),
    )
    .min(1),
  usage: z.object({
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    total_tokens: z.number().int().nonnegative(),
  }),
});

/** Turns a 2xx response body into a Completion, or throws naming each field that is missing or wrong. */
export function parseChatCompletion(body: string): Completion {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new LanguageModelError(`malformed chat completion: body is not JSON: ${JSON.stringify(body.slice(0, 200))}`);
  }
  const parsed = ChatCompletionResponse.safeParse(raw);
  if (!parsed.success) throw new LanguageModelError(`malformed chat completion: ${describeZodError(parsed.error)}`);
  const { model, choices, usage } = parsed.data;
  return {
    text: choices[0].message.content,
    model,
    usage: { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, totalTokens: usage.total_tokens },
    finishReason: choices[0].finish_reason ?? 'unknown',
  };
}
