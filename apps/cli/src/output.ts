/** Where the CLI writes: human lines, or JSON lines with --json for scripts. */
export interface Output {
  json: boolean;
  line(text: string): void;
  data(value: unknown): void;
}

export const output = (json: boolean): Output => ({
  json,
  line: (text) => {
    if (!json) process.stdout.write(`${text}\n`);
  },
  data: (value) => {
    if (json) process.stdout.write(`${JSON.stringify(value)}\n`);
  },
});
