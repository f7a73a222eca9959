'use strict';
// Jest runs CommonJS inside node:vm, where a dynamic import() only works with
// --experimental-vm-modules. The OTLP exporter's transport loads node:http
// with `import('http')` / `import('https')`; plain node (the services) runs
// that as it is, so only under jest is it turned into the same module through
// require(). Anything else is left as it is: an older copy of the package
// (another dependency's) has no such import. If a new version loads node:http
// another way, gateway/test/e2e/otlpTraces.test.ts fails and says so.
const PATTERN = /import\((['"])(https?)\1\)/g;

module.exports = {
  process(source) {
    return { code: source.replace(PATTERN, (_, __, name) => `Promise.resolve(require('${name}'))`) };
  },
};
