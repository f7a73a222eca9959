// Lint: ESLint's and typescript-eslint's recommended rules (syntax-level, so
// lint stays fast; types are checked by `npm run typecheck`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.turbo/**', 'scripts/ferretdb/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-control-regex': 'off',
    },
  },
  {
    // Import cycles fail lint: a module whose importer is still half-initialized reads undefined
    // exports at load time, and a cycle is where a package boundary was crossed back.
    files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['core/tsconfig.json', 'gateway/tsconfig.json', 'subgraphs/*/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  // Packages by role (CONTRIBUTING, "Layout"): the gateway and core never reach the subgraph kit or what only it
  // needs (gateway/test/e2e/gatewayModules.test.ts checks the running process); tests may.
  {
    files: ['gateway/src/**/*.ts', 'core/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['@profile-graph/kit', 'mongoose', '@apollo/subgraph', '@apollo/server'].map((name) => ({ name, message: 'subgraph-only: the gateway and core depend on @profile-graph/core alone' })),
        patterns: [{ group: ['@profile-graph/kit/*', '**/subgraphs/**'], message: 'subgraph-only: the gateway and core depend on @profile-graph/core alone' }],
      }],
    },
  },
  // Generated resolver types: codegen writes `{ }` as the arguments of a directive that takes none (@viewerIndependent).
  {
    files: ['subgraphs/*/src/generated/**/*.ts'],
    rules: { '@typescript-eslint/no-empty-object-type': 'off' },
  },
  // The kit's testing code reaches the dev services through their package, not by a path into scripts/.
  {
    files: ['subgraphs/kit/src/testing/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/scripts/**'], message: "import '@profile-graph/dev-services'" }] }] },
  },
);
