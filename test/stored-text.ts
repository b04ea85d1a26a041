import type { NatsConnector } from '@agentos/messaging';

/** The text as written and base64-encoded both ways: how data may sit inside a stored message. */
export const textForms = (text: string) => [text, Buffer.from(text).toString('base64'), Buffer.from(text).toString('base64url')];

/**
 * Where on the server any of the forms is stored (`<stream>#<seq>`): every message of every stream (bus streams,
 * KV buckets, the event store), subject, data and headers, byte for byte.
 */
export async function storedOccurrences(connector: NatsConnector, forms: readonly string[]): Promise<string[]> {
  const jsm = await connector.manager$();
  const found: string[] = [];
  for await (const stream of jsm.streams.list()) {
    for (let seq = stream.state.first_seq; stream.state.messages > 0 && seq <= stream.state.last_seq; seq += 1) {
      const stored = await jsm.streams.getMessage(stream.config.name, { seq }).catch(() => undefined);
      if (!stored) continue;
      const raw = `${stored.subject} ${Buffer.from(stored.data).toString()} ${stored.header ? JSON.stringify([...stored.header.keys()].map((k) => stored.header.get(k))) : ''}`;
      if (forms.some((form) => raw.includes(form))) found.push(`${stream.config.name}#${seq}`);
    }
  }
  return found;
}
