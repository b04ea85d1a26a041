/** A small HTTP client for the gateway's tests: JSON in and out, and Server-Sent Events read with fetch. */
export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** A body sent as it is (for bad JSON). */
  raw?: string;
  headers?: Record<string, string>;
}

export function gatewayClient(base: string) {
  return async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${base}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Reads a text/event-stream until `until` accepts an event or the stream ends; returns the events read. */
export async function readEvents(url: string, headers: Record<string, string>, until: (event: SseEvent) => boolean, timeoutMs = 30_000): Promise<SseEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: SseEvent[] = [];
  try {
    const response = await fetch(url, { headers, signal: controller.signal });
    if (response.status !== 200 || !response.body) throw new Error(`event stream answered ${response.status}: ${await response.text()}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = { data: '' };
        for (const line of block.split('\n')) {
          const at = line.indexOf(': ');
          if (line.startsWith(':') || at < 0) continue;
          const [field, value] = [line.slice(0, at), line.slice(at + 2)];
          if (field === 'id') event.id = value;
          else if (field === 'event') event.event = value;
          else if (field === 'data') event.data += value;
        }
        if (event.event === undefined && event.id === undefined) continue;
        events.push(event);
        if (until(event)) return events;
      }
    }
    return events;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
