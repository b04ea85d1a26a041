/**
 * `npm run wire`: writes the published contracts under docs/wire/ from the code: a JSON Schema per message
 * envelope (schemas/<Type>.json), the AsyncAPI 3 document of the bus (asyncapi.json) and the gateway's OpenAPI 3.1
 * document (openapi.json). `npm run wire -- --check` writes nothing and exits 1 when a file is stale.
 */
import { asyncApiDocument, wireJsonSchemas } from '@agentos/contracts';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { buildOpenApiDocument } from '../apps/gateway/src/openapi-document';
import { ROOT } from './processes';

export const WIRE_DIR = join(ROOT, 'docs', 'wire');

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every generated file, by path under docs/wire/. */
export async function wireFiles(): Promise<Record<string, string>> {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const files: Record<string, string> = { 'asyncapi.json': json(asyncApiDocument(version)), 'openapi.json': json(await buildOpenApiDocument()) };
  for (const [type, schema] of Object.entries(wireJsonSchemas())) files[`schemas/${type}.json`] = json(schema);
  return files;
}

/** The files that differ from what the code generates, are missing, or are left over from a type that is gone. */
export async function staleWireFiles(): Promise<string[]> {
  const files = await wireFiles();
  const stale = Object.entries(files)
    .filter(([path, content]) => !existsSync(join(WIRE_DIR, path)) || readFileSync(join(WIRE_DIR, path), 'utf8') !== content)
    .map(([path]) => path);
  const schemaDir = join(WIRE_DIR, 'schemas');
  const leftOver = existsSync(schemaDir) ? readdirSync(schemaDir).map((f) => `schemas/${f}`).filter((path) => !(path in files)) : [];
  return [...stale, ...leftOver];
}

async function main() {
  if (process.argv.includes('--check')) {
    const stale = await staleWireFiles();
    if (stale.length > 0) {
      process.stderr.write(`docs/wire is stale (run npm run wire): ${stale.join(', ')}\n`);
      process.exit(1);
    }
    return;
  }
  const files = await wireFiles();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(WIRE_DIR, path)), { recursive: true });
    writeFileSync(join(WIRE_DIR, path), content);
  }
  process.stdout.write(`wrote ${Object.keys(files).length} files under ${relative(ROOT, WIRE_DIR)}/\n`);
}

if (require.main === module) main().catch((error: Error) => (process.stderr.write(`${error.stack}\n`), process.exit(1)));
