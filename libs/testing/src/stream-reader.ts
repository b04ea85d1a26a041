import type { JetStreamManager } from 'nats';

/** Every message currently stored in a stream, decoded as JSON, in stream order. For assertions. */
export async function readStoredMessages<T = unknown>(jsm: JetStreamManager, stream: string): Promise<T[]> {
  const { state } = await jsm.streams.info(stream);
  const messages: T[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq += 1) {
    try {
      const stored = await jsm.streams.getMessage(stream, { seq });
      messages.push(JSON.parse(Buffer.from(stored.data).toString('utf8')) as T);
    } catch (error) {
      if (!/no message found/i.test(String((error as Error).message))) throw error;
    }
  }
  return messages;
}
