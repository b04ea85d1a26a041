import { z } from 'zod';
import { CATALOG, STREAMS, type MessageType } from './catalog';
import { EnvelopeHeader } from './envelope';

/**
 * The wire contract for clients in any language, generated from the catalogue (scripts/wire.ts writes it under
 * docs/wire/): a JSON Schema (draft-07) per message type, its whole envelope, and an AsyncAPI 3 document whose
 * channels are the subjects and whose messages are the envelopes. A message that validates against its schema is
 * one the system reads; the broker and the consumers still check who sent it (the subject's last two tokens).
 */

const TOKEN = /\{(\w+)\}/g;
const messageTypes = () => Object.keys(CATALOG) as MessageType[];

const toJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;

/** The envelope of one message type, as a zod schema: the header, this type and version, and its payload. */
export function envelopeSchemaOf(type: MessageType, payload: z.ZodType = CATALOG[type].schema): z.ZodType {
  return EnvelopeHeader.extend({ type: z.literal(type), version: z.literal(CATALOG[type].version), payload }).strict();
}

/** The JSON Schema of a message type's envelope (for a query's answer: `<Type>Reply`, its payload the reply's). */
export function wireJsonSchemas(): Record<string, Record<string, unknown>> {
  const schemas: Record<string, Record<string, unknown>> = {};
  for (const type of messageTypes()) {
    const spec = CATALOG[type];
    schemas[type] = { title: type, description: describe(type), ...toJsonSchema(envelopeSchemaOf(type)) };
    if (spec.kind === 'query') schemas[`${type}Reply`] = { title: `${type}Reply`, description: `The answer to ${type}: its payload (the envelope's, with the responder as actor).`, ...toJsonSchema(envelopeSchemaOf(type, spec.reply)) };
  }
  return schemas;
}

function describe(type: MessageType): string {
  const spec = CATALOG[type];
  const where = spec.kind === 'query' ? 'a NATS request (core request/reply)' : `stored in ${spec.stream}`;
  return `${type} v${spec.version}, a ${spec.kind}: published on ${spec.subject}.<tenant>.<principal>, ${where}.`;
}

/** The concrete address of a type's channel: its subject with the sender's tenant and principal tokens. */
const addressOf = (type: MessageType) => `${CATALOG[type].subject}.{tenant}.{principal}`;

const PARAMETERS: Record<string, string> = {
  tenant: "The sender's tenant: the broker lets a principal publish only under its own (the platform's `system` principals under any).",
  principal: "The sender's principal token, `<kind>-<name>` (user-alice, agent-summariser, service-orchestrator); the envelope's actor must agree.",
};

/** The AsyncAPI 3.0 document of every message: a channel per type, send operations for commands and queries, receive for facts. */
export function asyncApiDocument(version: string): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  // The same schemas as docs/wire/schemas/*.json, inlined so that the document stands alone.
  const schemas = Object.fromEntries(Object.entries(wireJsonSchemas()).map(([name, { $schema: _dialect, ...schema }]) => [name, schema]));
  for (const type of messageTypes()) {
    const spec = CATALOG[type];
    const address = addressOf(type);
    const parameters = Object.fromEntries([...address.matchAll(TOKEN)].map(([, name]) => [name, { description: PARAMETERS[name] ?? `The payload's ${name}.` }]));
    messages[type] = { name: type, title: type, summary: describe(type), contentType: 'application/json', payload: { $ref: `#/components/schemas/${type}` } };
    channels[type] = { address, title: type, parameters, messages: { [type]: { $ref: `#/components/messages/${type}` } } };
    const action = spec.kind === 'event' ? 'receive' : 'send';
    const operation: Record<string, unknown> = { action, channel: { $ref: `#/channels/${type}` }, summary: describe(type), messages: [{ $ref: `#/channels/${type}/messages/${type}` }] };
    if (spec.kind === 'query') {
      const reply = `${type}Reply`;
      messages[reply] = { name: reply, title: reply, summary: `The answer to ${type}`, contentType: 'application/json', payload: { $ref: `#/components/schemas/${reply}` } };
      // The answer goes to the requester's own inbox (_INBOX.<user>.…), which NATS names per request.
      channels[reply] = { address: null, title: reply, description: "The requester's reply inbox.", messages: { [reply]: { $ref: `#/components/messages/${reply}` } } };
      operation.reply = { channel: { $ref: `#/channels/${reply}` }, messages: [{ $ref: `#/channels/${reply}/messages/${reply}` }] };
    }
    operations[`${action}${type}`] = operation;
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'AgentOS wire contract',
      version,
      description:
        'Every AgentOS message: versioned JSON envelopes on NATS subjects ending with the sender’s tenant and principal. ' +
        `Stream-backed messages are stored in JetStream (${Object.keys(STREAMS).join(', ')}); publish them with the header Nats-Msg-Id = the envelope id. ` +
        'Generated from libs/contracts (npm run wire).',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:4222', protocol: 'nats', description: '`npm start` with AGENTOS_KEEP_RUNNING=1' } },
    channels,
    operations,
    components: { schemas, messages },
  };
}
