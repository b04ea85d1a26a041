import type { Readable } from 'node:stream';

/** A line longer than this is passed on in pieces, so a child printing no newlines cannot grow our memory. */
const MAX_LINE = 64 * 1024;

/**
 * Reads a child's output stream to its end, calling `onLine` per line (without the newline).
 * The stream is always consumed, even when nobody wants the lines: an unread pipe fills up and
 * then blocks the child on its next write.
 */
export function readLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  stream.setEncoding('utf8'); // decodes multi-byte characters split across chunks
  let buffer = '';
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, newline).replace(/\r$/, ''));
      buffer = buffer.slice(newline + 1);
    }
    while (buffer.length >= MAX_LINE) {
      onLine(buffer.slice(0, MAX_LINE));
      buffer = buffer.slice(MAX_LINE);
    }
  });
  stream.on('end', () => {
    if (buffer.length > 0) onLine(buffer);
    buffer = '';
  });
  // A broken pipe when the child dies is not our failure; without a listener it would throw.
  stream.on('error', () => undefined);
}
