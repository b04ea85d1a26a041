import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * Validates an OpenAPI document with @seriousme/openapi-schema-validator. The package is ESM only, which jest's
 * CommonJS runtime cannot load, so it runs in a child node process; resolves to its verdict and errors.
 */
export function validateOpenApi(document: unknown): { valid: boolean; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const result = await new Validator().validate(JSON.parse(input));
    process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors }));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, input: JSON.stringify(document), encoding: 'utf8' });
  return JSON.parse(output) as { valid: boolean; errors?: unknown };
}
