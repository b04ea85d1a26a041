#!/usr/bin/env node
// The `agentos` command. It runs the precompiled CLI (`npx nx build cli`, done by scripts/setup.sh) when that is at
// least as new as every source it was built from, and otherwise the TypeScript sources through swc, which costs
// about 1.5 s more per start but can never run stale code.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '../../..');
const built = join(root, 'dist/cli/apps/cli/src/main.js');
process.env.SWC_NODE_PROJECT = process.env.TS_NODE_PROJECT = join(root, 'tsconfig.json');

/** The newest modification time under a directory (sources only; a few hundred files: a few milliseconds). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (entry.name.endsWith('.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

const sourceDirs = () => [join(root, 'apps/cli/src'), ...readdirSync(join(root, 'libs')).map((lib) => join(root, 'libs', lib, 'src'))].filter(existsSync);

if (existsSync(built) && sourceDirs().every((dir) => newest(dir) <= statSync(built).mtimeMs)) {
  require(built);
} else {
  require('@swc-node/register');
  require('../src/main.ts');
}
