import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LanguageModelError } from './language-model';
import { openAiCompatibleModel } from './openai-compatible';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}
/** What the fake server does with one request: answer it, or hold it open forever. */
type Reply = { status: number; body: string; headers?: Record<string, string> } | 'hang';

const API_KEY = 'sk-test-4f1c9a7e-secret';
const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Name a colour.' },
];
const okBody = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Blue.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
});
const ok: Reply = { status: 200, body: okBody, headers: { 'content-type': 'application/json' } };

/** A real HTTP server on 127.0.0.1: replies come off the queue in order; the last one repeats. */
let server: Server;
let baseUrl: string;
let received: Received[];
let replies: Reply[];

beforeEach(async () => {
  received = [];
  replies = [ok];
  server = createServer((req, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      const reply = replies.length > 1 ? replies.shift()! : replies[0];
      if (reply === 'hang') return;
      res.writeHead(reply.status, reply.headers ?? {}).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(async () => {
  server.closeAllConnections(); // requests left hanging would keep close() waiting
  await new Promise((resolve) => server.close(resolve));
});

describe('openAiCompatibleModel', () => {
  it('POSTs the chat-completions request with the key and maps the response', async () => {
    const model = openAiCompatibleModel({ baseUrl: `${baseUrl}/`, apiKey: API_KEY, model: 'gpt-4o-mini' });

    const completion = await model.complete({ messages, maxTokens: 50, temperature: 0.2 });

    expect(completion).toEqual({ text: 'Blue.', model: 'gpt-4o-mini-2024-07-18', usage: { promptTokens: 12, completionTokens: 2, totalTokens: 14 }, finishReason: 'stop' });
    expect(model.name).toBe('openai-compatible:gpt-4o-mini');
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ model: 'gpt-4o-mini', messages, max_tokens: 50, temperature: 0.2 });
  });

  it('sends no Authorization header without a key, and leaves unset fields out of the body', async () => {
    const model = openAiCompatibleModel({ baseUrl, model: 'llama-3.1-8b' });

    await model.complete({ messages, model: 'qwen2.5-7b' });

    expect(received[0].headers).not.toHaveProperty('authorization');
    expect(JSON.parse(received[0].body)).toEqual({ model: 'qwen2.5-7b', messages });
  });

  it('retries a 500 and returns the completion that follows', async () => {
    replies = [{ status: 500, body: 'upstream hiccup' }, ok];
    const model = openAiCompatibleModel({ baseUrl, model: 'gpt-4o-mini' });

    const completion = await model.complete({ messages });

    expect(completion.text).toBe('Blue.');
    expect(received).toHaveLength(2);
  });

  it('retries a 429 at once when Retry-After is 0', async () => {
    replies = [{ status: 429, body: 'slow down', headers: { 'retry-after': '0' } }, ok];
    const model = openAiCompatibleModel({ baseUrl, model: 'gpt-4o-mini' });

    const started = Date.now();
    await expect(model.complete({ messages })).resolves.toMatchObject({ text: 'Blue.' });
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(200); // Retry-After 0 beats the 250 ms backoff
  });

  it('gives up after maxRetries, with the status, body and attempt count', async () => {
    replies = [{ status: 503, body: 'overloaded', headers: { 'retry-after': '0' } }];
    const model = openAiCompatibleModel({ baseUrl, model: 'gpt-4o-mini', maxRetries: 2 });

    const error = await model.complete({ messages }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LanguageModelError);
    expect(error).toMatchObject({ status: 503, body: 'overloaded', message: `POST ${baseUrl}/chat/completions failed: HTTP 503: overloaded (after 3 attempts)` });
    expect(received).toHaveLength(3);
  });

  it('does not retry a 400; the error has status and body, and never the API key', async () => {
    // A server that echoes the Authorization header back must not leak the key through our error.
    const echoed = JSON.stringify({ error: { message: `bad request; you sent Bearer ${API_KEY}` } });
    replies = [{ status: 400, body: echoed + 'x'.repeat(1_000) }];
    const model = openAiCompatibleModel({ baseUrl, apiKey: API_KEY, model: 'gpt-4o-mini' });

    const error = (await model.complete({ messages }).catch((e: unknown) => e)) as LanguageModelError;

    expect(error).toBeInstanceOf(LanguageModelError);
    expect(received).toHaveLength(1);
    expect(error.status).toBe(400);
    const expectedBody = (JSON.stringify({ error: { message: 'bad request; you sent Bearer [redacted]' } }) + 'x'.repeat(1_000)).slice(0, 500);
    expect(error.body).toBe(expectedBody);
    expect(error.message).toBe(`POST ${baseUrl}/chat/completions failed: HTTP 400: ${expectedBody}`);
    expect(`${error.message} ${error.body} ${String(error.stack)}`).not.toContain(API_KEY);
  });

  it('rejects a 200 whose body is not JSON, without retrying', async () => {
    replies = [{ status: 200, body: '<html>gateway</html>' }];
    const model = openAiCompatibleModel({ baseUrl, model: 'gpt-4o-mini' });

    const error = await model.complete({ messages }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LanguageModelError);
    expect((error as Error).message).toBe('malformed chat completion: body is not JSON: "<html>gateway</html>"');
    expect(received).toHaveLength(1);
  });

  it('rejects a 200 that lacks the content and usage, naming what is missing', async () => {
    const partial = JSON.parse(okBody);
    delete partial.choices[0].message.content;
    delete partial.usage;
    replies = [{ status: 200, body: JSON.stringify(partial) }];
    const model = openAiCompatibleModel({ baseUrl, model: 'gpt-4o-mini' });

    const error = await model.complete({ messages }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LanguageModelError);
    expect((error as Error).message).toBe(
      'malformed chat completion: choices.0.message.content: Invalid input: expected string, received undefined; usage: Invalid input: expected object, received undefined',
    );
    expect(received).toHaveLength(1);
  });

  it('rejects promptly with the reason when the caller aborts', async () => {
    replies = ['hang'];
    const model = openAiCompatibleModel({ baseUrl, model: 'gpt-4o-mini' });
    const controller = new AbortController();
    const reason = new Error('task killed');

    const started = Date.now();
    const pending = model.complete({ messages, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);

    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(received).toHaveLength(1);
  });

  it('stops waiting during a backoff when the caller aborts', async () => {
    replies = [{ status: 503, body: 'busy', headers: { 'retry-after': '5' } }];
    const model = openAiCompatibleModel({ baseUrl, model: 'gpt-4o-mini' });
    const controller = new AbortController();

    const started = Date.now();
    const pending = model.complete({ messages, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 100);

    await expect(pending).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(received).toHaveLength(1);
  });

  it('rejects with LanguageModelError when the server does not answer in time', async () => {
    replies = ['hang'];
    const model = openAiCompatibleModel({ baseUrl, model: 'gpt-4o-mini', timeoutMs: 150 });

    const started = Date.now();
    const error = await model.complete({ messages }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LanguageModelError);
    expect((error as Error).message).toBe(`no chat completion from ${baseUrl}/chat/completions within 150 ms`);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('retries when the server cannot be reached, then says why', async () => {
    let calls = 0;
    const refused: typeof fetch = async () => {
      calls += 1;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    };
    const model = openAiCompatibleModel({ baseUrl, model: 'gpt-4o-mini', maxRetries: 1, fetch: refused });

    const error = await model.complete({ messages }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LanguageModelError);
    expect((error as Error).message).toBe(`POST ${baseUrl}/chat/completions failed: ECONNREFUSED (after 2 attempts)`);
    expect(calls).toBe(2);
  });

  it('refuses a base URL that is not a URL', () => {
    expect(() => openAiCompatibleModel({ baseUrl: 'localhost:8080', model: 'm' })).toThrow('baseUrl "localhost:8080" is not an http(s) URL');
  });
});
