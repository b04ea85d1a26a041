/**
 * `npx nx build <app>` (or `npm run build -- <app>`): compiles one app and the libraries it uses into
 * dist/<app>, a runnable bundle (`node dist/<app>/apps/<app>/src/main.js`) that needs only the
 * production node_modules. swc emits the decorator metadata NestJS's injection relies on and rewrites
 * the @agentos/* path aliases into relative imports.
 */
import { transformFile } from '@swc/core';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

async function build(app: string): Promise<void> {
  const appDir = join(ROOT, 'apps', app, 'src');
  if (!statSync(appDir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`no app "${app}" (apps/${app}/src)`);
  const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  const out = join(ROOT, 'dist', app);
  rmSync(out, { recursive: true, force: true });
  // Every library is compiled: an app reaches them through each other, and they are small.
  const files = [...sources(appDir), ...readdirSync(join(ROOT, 'libs')).flatMap((lib) => sources(join(ROOT, 'libs', lib, 'src')))].filter((f) => !f.includes('/esdb-double/'));
  let count = 0;
  for (const file of files) {
    const { code, map } = await transformFile(file, {
      swcrc: false,
      sourceMaps: true,
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        baseUrl: ROOT,
        paths: compilerOptions.paths,
      },
      module: { type: 'commonjs' },
    });
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${target}.map`, map);
    count += 1;
  }
  cpSync(join(ROOT, 'config'), join(out, 'config'), { recursive: true });
  console.log(`built ${app}: ${count} files into ${relative(ROOT, out)}; run with: node ${relative(ROOT, join(out, 'apps', app, 'src', 'main.js'))}`);
}

const app = process.argv[2];
if (!app) {
  console.error('usage: build-app <app>');
  process.exit(2);
}
build(app).catch((error: Error) => {
  console.error(`build failed: ${error.message}`);
  process.exit(1);
});
