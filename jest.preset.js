// Shared jest settings for every workspace. Type checking is the `typecheck`
// task's job, so ts-jest only transpiles (isolatedModules) and tests start fast.
const path = require('node:path');

const kitSrc = path.join(__dirname, 'subgraphs/kit/src');

/** The two files of the OTLP exporter that import node:http dynamically. */
const OTLP_TRANSPORT = '@opentelemetry/otlp-exporter-base/build/src/(transport/http-exporter-transport|configuration/otlp-node-http-configuration)\\.js$';
/** node_modules are not transformed, except these (jose: ESM only; the OTLP transport: see above). */
const TRANSFORM_EXCEPT = ['jose', '@opentelemetry/otlp-exporter-base', '@opentelemetry/exporter-trace-otlp-proto/node_modules/@opentelemetry/otlp-exporter-base'];
const transformIgnore = (extra = []) => `/node_modules/(?!(${[...TRANSFORM_EXCEPT, ...extra].join('|')})/)`;

/** @param {string} dir the workspace folder; @returns {import('jest').Config} */
function jestPreset(dir) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    transform: {
      // The OTLP exporter loads node:http with import(): see the transform.
      [OTLP_TRANSPORT]: path.join(__dirname, 'scripts/lib/jestBuiltinImportTransform.js'),
      '^.+\\.[tj]s$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json') }],
    },
    // jose ships ESM only; it must be transpiled for jest's CommonJS runtime.
    transformIgnorePatterns: [transformIgnore()],
    // Tests run against sources, so no build is needed before `npm test`.
    moduleNameMapper: {
      '^@profile-graph/core$': path.join(__dirname, 'core/src/index.ts'),
      '^@profile-graph/kit$': path.join(kitSrc, 'index.ts'),
      '^@profile-graph/kit/testing$': path.join(kitSrc, 'testing/index.ts'),
      '^@profile-graph/(identity|hiring|consent|calls)$': path.join(__dirname, 'subgraphs/$1/src/index.ts'),
    },
    // One MongoDB-wire server per run (unless MONGODB_URI is set); each test file starts its own NATS.
    globalSetup: path.join(kitSrc, 'testing/globalSetup.ts'),
    globalTeardown: path.join(kitSrc, 'testing/globalTeardown.ts'),
    reporters: ['default', path.join(__dirname, 'scripts/lib/jestSummaryReporter.js')],
    // Every test context runs as the services do: no Object.prototype.__proto__ accessor (see hardenProcess).
    setupFiles: [path.join(__dirname, 'scripts/lib/jestHardenProcess.js')],
    testTimeout: 30_000,
    // A handle left open after the last test (seen once under CI load, not reproducible alone) must not hang the
    // run until CI's timeout: jest still prints "Force exiting Jest" so the leak stays visible; find it with
    // `npx jest -c <workspace>/jest.config.js --detectOpenHandles`.
    forceExit: true,
  };
}

/** The preset's transformIgnorePatterns entry with more packages transformed (the gateway's planner). */
jestPreset.transformIgnore = transformIgnore;
module.exports = jestPreset;
