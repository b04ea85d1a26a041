// One jest run covers every project: unit tests beside the code, end-to-end tests in test/.
// swc (not ts-jest) compiles: it is fast on two cores and emits the decorator metadata NestJS needs.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

// A NATS timeout in a test says where the request was made (services run without these traces: they cost CPU).
process.env.NATS_ASYNC_TRACES ??= '1';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e.ts'],
  moduleNameMapper,
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  testTimeout: 30_000,
  // The 3-node cluster suite and the chaos suite run on their own afterwards, one after the other (`npm test` runs
  // jest twice, see package.json; AGENTOS_CLUSTER_SUITE=1): the first kills NATS leaders mid-run, and beside another
  // worker on two cores its failovers starve; the second runs a dozen processes, which starved the suite beside it
  // (a schedule missed a tick).
  testPathIgnorePatterns: process.env.AGENTOS_CLUSTER_SUITE === '1' ? [] : ['/node_modules/', '<rootDir>/test/cluster.e2e.ts', '<rootDir>/test/chaos.e2e.ts'],
  // The cluster suite runs alone, in jest's own process: a graceful stop its teardown gave up on after a leader was
  // killed (test/system.ts, bounded) must not hold the run open, as jest force-exits such workers in the main run.
  forceExit: process.env.AGENTOS_CLUSTER_SUITE === '1',
  // Suites each start their own nats-server; two workers match the two cores here.
  maxWorkers: 2,
};
