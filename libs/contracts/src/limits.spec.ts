import { newId } from './ids';
import { MAX_INPUT_BYTES, jsonBytes, jsonDepth } from './limits';
import { createMessage } from './message';
import { InvalidPayloadError, decodeMessage, encodeMessage } from './validation';

const origin = { tenant: 'acme', actor: { kind: 'user' as const, id: 'alice' } };
/** JSON text of arrays `levels` deep: written out, as JSON.stringify overflows the stack near 10,000 levels. */
const deepArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
/** An input nesting `levels` deep in all: an object holding deep arrays. */
const deepInput = (levels: number) => ({ a: JSON.parse(deepArrays(levels - 1)) as unknown });
const submitPayload = (input: Record<string, unknown>) => ({ intentId: newId(), goal: 'g', capability: 'summarise', input });
/** A SubmitIntent as a client might send it, unchecked. */
const submit = (input: Record<string, unknown>) => ({ ...createMessage('SubmitIntent', submitPayload({}), origin), payload: submitPayload(input) });
const wire = (message: object) => Buffer.from(JSON.stringify(message));

describe('payload limits', () => {
  it('measures depth and JSON size without recursion', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth({ a: [1, { b: [] }] })).toBe(4);
    expect(jsonDepth(JSON.parse(deepArrays(100_000)))).toBe(100_000);
    for (const value of [{ a: 'é', b: [1, null, true], c: { d: 'x"y' } }, [], {}, 'plain', [{ e: undefined }]]) {
      expect(jsonBytes(value)).toBe(Buffer.byteLength(JSON.stringify(value)));
    }
  });

  it.each([2_700, 20_000])('reads a %i-deep input as an invalid message naming the field, the depth and the limit, never throwing', (levels) => {
    const parsed = decodeMessage(Buffer.from(JSON.stringify(submit({ a: 'DEEP' })).replace('"DEEP"', deepArrays(levels - 1))));
    expect(parsed).toMatchObject({ ok: false, issues: [{ path: 'payload.input', message: `nested ${levels.toLocaleString('en-US')} levels deep; at most 64` }] });
  });

  it('refuses any payload field nested deeper than 128 levels, not only client inputs', () => {
    const task = createMessage('TaskCompleted', { taskId: newId(), intentId: newId(), agent: 'summariser', agentVersion: '1.0.0', instanceId: 'i-1', output: JSON.parse(deepArrays(128)) as unknown }, origin);
    expect(decodeMessage(encodeMessage(task)).ok).toBe(true);
    const parsed = decodeMessage(wire({ ...task, payload: { ...task.payload, output: JSON.parse(deepArrays(129)) as unknown } }));
    expect(parsed).toMatchObject({ ok: false, error: 'payload.output: nested 129 levels deep; at most 128' });
  });

  it('refuses an input over the size limit, naming its size, and one within it passes', () => {
    const big = { text: 'x'.repeat(1024 * 1024) };
    expect(decodeMessage(wire(submit(big)))).toMatchObject({ ok: false, error: `payload.input: 1,048,587 bytes of JSON; at most ${MAX_INPUT_BYTES.toLocaleString('en-US')}` });
    expect(decodeMessage(wire(submit({ text: 'x'.repeat(MAX_INPUT_BYTES - 20) }))).ok).toBe(true);
  });

  it('refuses to build a message over the limits, naming why', () => {
    const build = (input: Record<string, unknown>) => () => createMessage('SubmitIntent', submitPayload(input), origin);
    expect(build(deepInput(65))).toThrow(new InvalidPayloadError('SubmitIntent', [{ path: 'payload.input', message: 'nested 65 levels deep; at most 64' }]));
    expect(build({ text: 'x'.repeat(MAX_INPUT_BYTES) })).toThrow(/payload\.input: 262,155 bytes of JSON; at most 262,144/);
    expect(build(deepInput(64))).not.toThrow();
  });
});
