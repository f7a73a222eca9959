// Jest runs CommonJS inside node:vm, where a dynamic import() only works with
// --experimental-vm-modules. @graphql-hive/router-runtime loads its Rust
// planner with `await import(moduleName)`; plain node (main.ts, production)
// handles that fine, so only under jest is it turned into the equivalent
// require(), which loads the same native addon through the package's
// "require" export.
const PATTERN = /await import\(moduleName\)/g;

module.exports = {
  process(source, filename) {
    if (!source.includes('await import(moduleName)')) {
      throw new Error(`${filename}: the planner is no longer loaded with "await import(moduleName)"; update gateway/test/support/plannerImportTransform.js`);
    }
    return { code: source.replace(PATTERN, 'require(moduleName)') };
  },
};
