'use strict';
// A `node --require` hook for gatewayModules.test.ts: when the process exits,
// it writes the path of every CommonJS module it loaded (require.cache) to
// LOADED_MODULES_FILE, one a line, so a test can say what a process pulled in.
const fs = require('node:fs');

const file = process.env.LOADED_MODULES_FILE;
if (!file) throw new Error('recordLoadedModules: set LOADED_MODULES_FILE to the file to write');
process.on('exit', () => fs.writeFileSync(file, `${Object.keys(require.cache).join('\n')}\n`));
