'use strict';
// Jest runs CommonJS inside node:vm, where a dynamic import() only works with
// --experimental-vm-modules. The OTLP exporter's transport loads node:http
// with `import('http')` / `import('https')`; plain node (the services) runs
// that as it is, so only under jest is it turned into the same module through
// require(). Anything else the file imports dynamically is left alone, and a
// file that no longer has these imports fails loudly so this is revisited.
const PATTERN = /import\((['"])(https?)\1\)/g;

module.exports = {
  process(source, filename) {
    if (!PATTERN.test(source)) {
      throw new Error(`${filename}: no import('http'|'https') left; update scripts/lib/jestBuiltinImportTransform.js and jest.preset.js`);
    }
    PATTERN.lastIndex = 0;
    return { code: source.replace(PATTERN, (_, __, name) => `Promise.resolve(require('${name}'))`) };
  },
};
