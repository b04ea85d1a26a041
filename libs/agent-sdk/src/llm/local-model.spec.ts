import { localModel } from './local-model';

const system = { role: 'system' as const, content: 'You are a careful analyst.' }; // 5 words
const report = 'Summarise the following report:\nAgentOS routes tasks to agents. Policy is checked before every tool call. Budgets cap spend per intent.'; // 21 words
const question = 'Research the impact of quantum computing on modern cryptography'; // 9 words
const findings =
  'Finding 1: cryptography is the central theme of the request. Finding 2: computing bears directly on cryptography. Finding 3: quantum should be weighed alongside computing.'; // 25 words

describe('localModel', () => {
  const model = localModel({});

  it('answers the same request with the same completion, every time and in every instance', async () => {
    const request = { messages: [system, { role: 'user' as const, content: question }] };
    const first = await model.complete(request);
    expect(await model.complete(request)).toEqual(first);
    expect(await localModel().complete(request)).toEqual(first);
    expect(model.name).toBe('local-echo-1');
  });

  it('summarises with the first two sentences of the text after the instruction', async () => {
    const completion = await model.complete({ messages: [system, { role: 'user', content: report }] });
    expect(completion).toEqual({
      text: 'AgentOS routes tasks to agents. Policy is checked before every tool call.',
      model: 'local-echo-1',
      usage: { promptTokens: 26, completionTokens: 12, totalTokens: 38 },
      finishReason: 'stop',
    });
  });

  it('summarises text on the lines after a first line without a colon', async () => {
    const completion = await model.complete({ messages: [{ role: 'user', content: 'summarize this\nOne fact! Two facts? Three facts.' }] });
    expect(completion.text).toBe('One fact! Two facts?');
  });

  it('answers other prompts with findings on the longest distinct words of the last user message', async () => {
    const completion = await model.complete({
      messages: [system, { role: 'user', content: 'Summarise nothing yet.' }, { role: 'assistant', content: 'Ok.' }, { role: 'user', content: question }],
      model: 'ignored-by-the-local-model',
    });
    expect(completion).toEqual({
      text: findings,
      model: 'local-echo-1',
      usage: { promptTokens: 5 + 3 + 1 + 9, completionTokens: 25, totalTokens: 43 },
      finishReason: 'stop',
    });
  });

  it('says so when there is nothing to work with', async () => {
    expect((await model.complete({ messages: [{ role: 'user', content: 'Is it ok?' }] })).text).toBe('There are no findings: the prompt has no salient words.');
    expect((await model.complete({ messages: [system] })).text).toBe('There is no user message to answer.');
  });

  it('cuts the answer to maxTokens words and reports finishReason length', async () => {
    const completion = await model.complete({ messages: [{ role: 'user', content: question }], maxTokens: 4 });
    expect(completion).toEqual({
      text: 'Finding 1: cryptography is',
      model: 'local-echo-1',
      usage: { promptTokens: 9, completionTokens: 4, totalTokens: 13 },
      finishReason: 'length',
    });
  });

  it('does not cut an answer that fits maxTokens exactly', async () => {
    const completion = await model.complete({ messages: [{ role: 'user', content: question }], maxTokens: 25 });
    expect(completion).toMatchObject({ text: findings, finishReason: 'stop' });
  });

  it('rejects with the reason of a signal that has already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('task killed');
    controller.abort(reason);
    await expect(model.complete({ messages: [{ role: 'user', content: question }], signal: controller.signal })).rejects.toBe(reason);
  });

  it('takes its name from the options', async () => {
    const named = localModel({ name: 'local-test' });
    expect(named.name).toBe('local-test');
    expect((await named.complete({ messages: [{ role: 'user', content: question }] })).model).toBe('local-test');
  });
});
