// Shared jest settings for every workspace. Type checking is the `typecheck`
// task's job, so ts-jest only transpiles (isolatedModules) and tests start fast.
const path = require('node:path');

/** @param {string} dir the workspace folder; @returns {import('jest').Config} */
module.exports = function jestPreset(dir) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.[tj]s$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json') }],
    },
    // jose ships ESM only; it must be transpiled for jest's CommonJS runtime.
    transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
    // Tests run against the kit's source, so no build is needed before `npm test`.
    moduleNameMapper: { '^@profile-graph/kit$': path.join(__dirname, 'subgraphs/kit/src/index.ts') },
    testTimeout: 30_000,
  };
};
