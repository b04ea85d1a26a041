import { languageModelFromEnv } from './from-env';

const okBody = JSON.stringify({
  model: 'gpt-4.1-mini',
  choices: [{ message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

describe('languageModelFromEnv', () => {
  afterEach(() => jest.restoreAllMocks());

  it('defaults to the local model', () => {
    expect(languageModelFromEnv({}).name).toBe('local-echo-1');
    expect(languageModelFromEnv({ AGENTOS_LLM: 'local' }).name).toBe('local-echo-1');
  });

  it('builds the OpenAI-compatible model from the variables', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(okBody, { status: 200 }));
    const model = languageModelFromEnv({
      AGENTOS_LLM: 'openai',
      AGENTOS_LLM_BASE_URL: 'https://llm.example.test/v1/',
      AGENTOS_LLM_API_KEY: 'sk-env',
      AGENTOS_LLM_MODEL: 'gpt-4.1-mini',
      AGENTOS_LLM_TIMEOUT_MS: '5000',
    });

    expect(model.name).toBe('openai-compatible:gpt-4.1-mini');
    await expect(model.complete({ messages: [{ role: 'user', content: 'Hello' }] })).resolves.toMatchObject({ text: 'Hi.' });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('https://llm.example.test/v1/chat/completions');
    expect(init?.headers).toMatchObject({ authorization: 'Bearer sk-env' });
    expect(JSON.parse(String(init?.body))).toEqual({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hello' }] });
  });

  it('defaults the OpenAI model to gpt-4o-mini', () => {
    expect(languageModelFromEnv({ AGENTOS_LLM: 'openai', AGENTOS_LLM_BASE_URL: 'http://127.0.0.1:8080/v1' }).name).toBe('openai-compatible:gpt-4o-mini');
  });

  it('names the missing base URL variable', () => {
    expect(() => languageModelFromEnv({ AGENTOS_LLM: 'openai' })).toThrow(
      new Error('AGENTOS_LLM_BASE_URL is required when AGENTOS_LLM=openai (e.g. http://127.0.0.1:8080/v1)'),
    );
  });

  it('lists the allowed kinds for an unknown one', () => {
    expect(() => languageModelFromEnv({ AGENTOS_LLM: 'anthropic' })).toThrow(new Error('AGENTOS_LLM must be one of local, openai; got "anthropic"'));
  });

  it('refuses a timeout that is not a positive whole number', () => {
    expect(() => languageModelFromEnv({ AGENTOS_LLM: 'openai', AGENTOS_LLM_BASE_URL: 'http://127.0.0.1:8080/v1', AGENTOS_LLM_TIMEOUT_MS: '10s' })).toThrow(
      new Error('AGENTOS_LLM_TIMEOUT_MS must be a positive whole number of milliseconds; got "10s"'),
    );
  });
});
