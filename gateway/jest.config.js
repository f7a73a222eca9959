const jestPreset = require('../jest.preset.js');

const preset = jestPreset(__dirname);

/** @type {import('jest').Config} */
module.exports = {
  ...preset,
  transform: {
    // See test/support/plannerImportTransform.js: lets the Rust query planner load under jest's CommonJS vm.
    '@graphql-hive/router-runtime/dist/index\\.cjs$': '<rootDir>/test/support/plannerImportTransform.js',
    ...preset.transform,
  },
  transformIgnorePatterns: [jestPreset.transformIgnore(['@graphql-hive/router-runtime'])],
};
