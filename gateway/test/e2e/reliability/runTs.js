'use strict';
// Runs a TypeScript entry point (a subgraph's src/main.ts) as a real child
// process, without a build: .ts files are transpiled on require with the
// TypeScript compiler (transpile only, as ts-jest does), and the workspace
// packages resolve to their sources, as jest's moduleNameMapper does.
// Usage: node runTs.js <file.ts>
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '../../../..');
const sources = {
  '@profile-graph/core': path.join(root, 'core/src/index.ts'),
  '@profile-graph/kit': path.join(root, 'subgraphs/kit/src/index.ts'),
  '@profile-graph/kit/testing': path.join(root, 'subgraphs/kit/src/testing/index.ts'),
};
for (const name of ['identity', 'hiring', 'consent', 'calls']) sources[`@profile-graph/${name}`] = path.join(root, `subgraphs/${name}/src/index.ts`);

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspaceSources(request, ...rest) {
  return resolve.call(this, sources[request] ?? request, ...rest);
};

const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false, inlineSourceMap: true };
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions: options, fileName: filename });
  module._compile(outputText, filename);
};

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node runTs.js <file.ts>\n');
  process.exit(2);
}
// Workers forked by node:cluster (GATEWAY_WORKERS) start through this launcher too, not on the .ts file.
const cluster = require('node:cluster');
if (cluster.isPrimary) cluster.setupPrimary({ exec: process.argv[1], args: process.argv.slice(2) });
// As if node had been given the entry itself: its own argv parsing starts at argv[2].
process.argv.splice(1, 1);
require(path.resolve(entry));
