/** Inputs that attack the parser or the stack rather than the logic, for tests of the limits. */

/** `{"a":{"a":…{}}}`, `levels` objects deep, built without recursion. */
export function nestedObject(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < levels; level += 1) value = { a: value };
  return value;
}

/**
 * The JSON text of `message` with the string `marker` (which must appear in it once) replaced by
 * `levels`-deep nesting, written out by hand: JSON.stringify overflows the stack near 10,000 levels.
 */
export function withDeepJson(message: object, marker: string, levels: number): Buffer {
  const text = JSON.stringify(message);
  const quoted = JSON.stringify(marker);
  if (text.split(quoted).length !== 2) throw new Error(`${quoted} must appear once in the message`);
  return Buffer.from(text.replace(quoted, `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`));
}

/** "Billion laughs": ten aliases of ten aliases … nine levels expand to a billion strings. */
export function yamlBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < 9; level += 1) {
    const [name, previous] = [String.fromCharCode(97 + level), String.fromCharCode(96 + level)];
    lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`);
  }
  return `version: bomb\nrules: []\nlaughs:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

/** A policy bundle with a value nested `levels` deep under `deep`, in flow style: block style would need quadratic indentation. */
export function deepYaml(levels: number): string {
  return `version: deep\nrules: []\ndeep: ${'{k: '.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}\n`;
}
