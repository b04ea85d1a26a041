#!/usr/bin/env node
// The `agentos` command: runs the TypeScript sources through swc, resolving the workspace's paths
// whatever directory it is called from.
const { join } = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.TS_NODE_PROJECT = join(__dirname, '../../../tsconfig.json');
require('@swc-node/register');
require('../src/main.ts');
