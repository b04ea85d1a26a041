import { Parser } from '@asyncapi/parser';
import { CATALOG } from '@agentos/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WIRE_DIR, staleWireFiles } from '../scripts/wire';
import { validateOpenApi } from './esm-validators';

const read = (path: string) => JSON.parse(readFileSync(join(WIRE_DIR, path), 'utf8'));

describe('the published wire contract (docs/wire)', () => {
  it('is what the code generates: run `npm run wire` after changing a contract or a route', async () => {
    expect(await staleWireFiles()).toEqual([]);
  }, 60_000);

  it('is an AsyncAPI 3 document the AsyncAPI parser accepts, with a channel per message type and its subject', async () => {
    const text = readFileSync(join(WIRE_DIR, 'asyncapi.json'), 'utf8');
    const { document, diagnostics } = await new Parser().parse(text);
    // Severity 0 is an error; hints and warnings (e.g. missing descriptions) do not fail the document.
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    expect(document).toBeDefined();
    const parsed = read('asyncapi.json');
    for (const [type, spec] of Object.entries(CATALOG)) {
      expect(parsed.channels[type].address).toBe(`${spec.subject}.{tenant}.{principal}`);
      expect(document!.channels().get(type)).toBeDefined();
    }
    expect(parsed.operations.sendSubmitIntent.action).toBe('send');
    expect(parsed.operations.receiveIntentCompleted.action).toBe('receive');
  }, 60_000);

  it('has an OpenAPI 3.1 document of the gateway that validates', () => {
    const openapi = read('openapi.json');
    expect(openapi.openapi).toBe('3.1.0');
    expect(validateOpenApi(openapi)).toEqual({ valid: true });
  }, 60_000);

  it('gives every message type a JSON Schema of its whole envelope', () => {
    const submit = read('schemas/SubmitIntent.json');
    expect(submit.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(submit.required).toEqual(expect.arrayContaining(['id', 'type', 'version', 'occurredAt', 'correlationId', 'causationId', 'tenant', 'actor', 'payload']));
    expect(submit.properties.type.const).toBe('SubmitIntent');
    expect(submit.properties.payload.required).toEqual(expect.arrayContaining(['intentId', 'goal', 'capability']));
    expect(read('schemas/FindAgentsReply.json').properties.payload.required).toContain('agents');
  });
});
