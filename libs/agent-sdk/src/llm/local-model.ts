import type { Completion, CompletionRequest, LanguageModel } from './language-model';

/**
 * A stand-in language model for tests and the demo: no network, no randomness, no clock, so the
 * same request always gives the same completion and replays of an agent's run match exactly.
 *
 * It answers the last user message (system and assistant messages only count towards tokens):
 * - A prompt starting with "Summarise" (or "Summarize", any case) is answered with the first two
 *   sentences of the text to summarise: whatever follows the first colon of the prompt's first
 *   line, else whatever follows the first line, else the rest of the prompt after the word.
 * - Any other prompt is answered with up to three "Finding" sentences built from its salient
 *   words: the longest distinct words (ties in order of first appearance), common words left out.
 * - No user message, or nothing to work with, gives a one-sentence answer saying so.
 *
 * Tokens are whitespace-separated words: the prompt counts every message's content, the completion
 * counts the answer. With maxTokens the answer is cut to that many words and finishReason is
 * 'length'; otherwise it is 'stop'. A request whose signal has already aborted rejects with the
 * signal's reason, as a real model's fetch would.
 */
export function localModel({ name = 'local-echo-1' }: { name?: string } = {}): LanguageModel {
  return {
    name,
    async complete(request: CompletionRequest): Promise<Completion> {
      request.signal?.throwIfAborted();
      const prompt = [...request.messages].reverse().find((message) => message.role === 'user')?.content;
      const answer = words(prompt === undefined ? 'There is no user message to answer.' : answerTo(prompt));
      const cut = request.maxTokens !== undefined && answer.length > request.maxTokens;
      const text = (cut ? answer.slice(0, Math.max(0, request.maxTokens ?? 0)) : answer).join(' ');
      const promptTokens = request.messages.reduce((sum, message) => sum + words(message.content).length, 0);
      const completionTokens = words(text).length;
      return {
        text,
        model: name,
        usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
        finishReason: cut ? 'length' : 'stop',
      };
    },
  };
}

const words = (text: string) => text.split(/\s+/).filter(Boolean);

const SUMMARISE = /^\s*summari[sz]e\b/i;

function answerTo(prompt: string): string {
  return SUMMARISE.test(prompt) ? summarise(prompt) : findings(prompt);
}

/** The first two sentences of the text after the instruction. */
function summarise(prompt: string): string {
  const newline = prompt.indexOf('\n');
  const firstLine = newline === -1 ? prompt : prompt.slice(0, newline);
  const colon = firstLine.indexOf(':');
  const text = colon !== -1 ? prompt.slice(colon + 1) : newline !== -1 ? prompt.slice(newline + 1) : prompt.replace(SUMMARISE, '');
  const sentences = text.trim().match(/[^.!?]+(?:[.!?]+|$)/g) ?? [];
  const summary = sentences.slice(0, 2).map((sentence) => sentence.trim()).filter(Boolean).join(' ');
  return summary || 'There is nothing to summarise.';
}

// Words that are long yet say nothing about the topic; short words never rank high enough to matter.
const COMMON = new Set(
  'about above after again against because before being below between could during having other should their there these those through under until where which while would your yours please research report write explain describe'.split(
    ' ',
  ),
);

/** Up to three sentences, one per salient word, longest word first. */
function findings(prompt: string): string {
  const seen = new Set<string>();
  for (const word of prompt.toLowerCase().match(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu) ?? []) {
    if (word.length >= 4 && !COMMON.has(word)) seen.add(word);
  }
  // Set order is first appearance and sort is stable, so ties keep the order the prompt gives.
  const [a, b, c] = [...seen].sort((x, y) => y.length - x.length);
  if (a === undefined) return 'There are no findings: the prompt has no salient words.';
  const sentences = [`Finding 1: ${a} is the central theme of the request.`];
  if (b !== undefined) sentences.push(`Finding 2: ${b} bears directly on ${a}.`);
  if (c !== undefined) sentences.push(`Finding 3: ${c} should be weighed alongside ${b}.`);
  return sentences.join(' ');
}
