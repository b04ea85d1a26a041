/**
 * Recorded text (goals, reasons, actor ids, payloads) written into Markdown so that it stays text:
 * whatever a user typed must not become a link, an image, emphasis or raw HTML in the report.
 */

/** Backslash-escapes every character that could open Markdown or HTML inline, and keeps table cells on one line. */
export const mdText = (value: unknown): string => String(value).replace(/\r\n?|\n/g, ' ').replace(/[\\`*_[\]<>!|~&]/g, '\\$&');

/** A code span whose fence is longer than any run of backticks inside, so the text cannot close it early. */
export function mdCode(value: string): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${value.replace(/\r\n?|\n/g, ' ')} ${fence}`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
