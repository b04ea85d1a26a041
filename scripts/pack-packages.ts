/**
 * `npm run pack`: builds the installable packages `@agentos/contracts`, `@agentos/agent-sdk` and `@agentos/client`
 * into dist/packages/<name>/ and `npm pack`s each into dist/packages/*.tgz. Each package holds its library and the
 * libraries it uses, compiled by tsc with type declarations, the `@agentos/*` path aliases rewritten to relative
 * requires (nothing resolves only inside this repository), and its npm dependencies at the versions the
 * repository pins.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
export const PACKAGES_DIR = join(ROOT, 'dist', 'packages');
export const PACKAGES = ['contracts', 'agent-sdk', 'client'] as const;

const ALIAS = /(from\s+|require\(|import\()(['"])@agentos\/([a-z-]+)\2/g;
const BARE = /(?:from\s+|require\(|import\()['"]((?:@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*)(?:\/[^'"]*)?['"]/g;

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, suffix) : path.endsWith(suffix) ? [path] : [];
  });
}

/** tsc over the library's entry point: it follows the path aliases into every library the package uses. */
function compile(lib: string, out: string): void {
  const config = join(out, 'tsconfig.pack.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.base.json'),
      compilerOptions: { outDir: out, rootDir: ROOT, declaration: true, sourceMap: false, noEmit: false, types: ['node'], baseUrl: ROOT },
      files: [join(ROOT, 'libs', lib, 'src', 'index.ts')],
    }),
  );
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { stdio: 'inherit' });
  rmSync(config);
}

/** `@agentos/<lib>` → a relative path to that library's compiled index, in every .js and .d.ts. */
function rewriteAliases(out: string): void {
  for (const file of [...files(out, '.js'), ...files(out, '.d.ts')]) {
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(ALIAS, (_, head: string, quote: string, lib: string) => {
      let path = relative(dirname(file), join(out, 'libs', lib, 'src', 'index'));
      if (!path.startsWith('.')) path = `./${path}`;
      return `${head}${quote}${path}${quote}`;
    });
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

/**
 * Packages loaded only on demand, for a feature the user turns on: optional, so an install that cannot fetch them
 * (onnxruntime-node's install script downloads from nuget.org) still succeeds.
 */
const ON_DEMAND = new Set(['onnxruntime-node']); // the injection classifier, loaded when a model file is configured

/** The npm packages the compiled code requires, at the repository's pinned versions. */
function dependenciesOf(out: string): Record<string, string> {
  const pinned = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const used = new Set<string>();
  for (const file of files(out, '.js')) for (const [, name] of readFileSync(file, 'utf8').matchAll(BARE)) if (!name.startsWith('node:')) used.add(name);
  const dependencies: Record<string, string> = {};
  for (const name of [...used].sort()) {
    const version = pinned.dependencies[name] ?? pinned.devDependencies[name];
    if (version) dependencies[name] = version;
    else if (!isBuiltin(name)) throw new Error(`${name} is required by the package but pinned nowhere in package.json`);
  }
  return dependencies;
}

const isBuiltin = (name: string) => builtinModules.includes(name);

function splitOnDemand(all: Record<string, string>): { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> } {
  const entries = Object.entries(all);
  const optional = entries.filter(([name]) => ON_DEMAND.has(name));
  const dependencies = Object.fromEntries(entries.filter(([name]) => !ON_DEMAND.has(name)));
  return optional.length > 0 ? { dependencies, optionalDependencies: Object.fromEntries(optional) } : { dependencies };
}

export function buildPackage(lib: (typeof PACKAGES)[number]): string {
  const out = join(PACKAGES_DIR, lib);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  compile(lib, out);
  rewriteAliases(out);
  const { version, license } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string };
  const manifest = {
    name: `@agentos/${lib}`,
    version,
    license,
    description: `AgentOS ${lib} (built from the AgentOS repository by scripts/pack-packages.ts)`,
    main: `libs/${lib}/src/index.js`,
    types: `libs/${lib}/src/index.d.ts`,
    files: ['libs'],
    engines: { node: '>=20' },
    ...splitOnDemand(dependenciesOf(out)),
  };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', PACKAGES_DIR], { cwd: out, encoding: 'utf8' }).trim().split('\n').pop()!;
  return join(PACKAGES_DIR, tarball);
}

if (require.main === module) {
  mkdirSync(PACKAGES_DIR, { recursive: true });
  for (const lib of PACKAGES) {
    const tarball = buildPackage(lib);
    process.stdout.write(`${relative(ROOT, tarball)}${existsSync(tarball) ? '' : ' (missing!)'}\n`);
  }
}
