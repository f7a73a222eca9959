'use strict';
// jest setup file: each test context (its own realm, with its own
// Object.prototype) gets what `hardenProcess()` gives every service's main.
const path = require('node:path');
// Loaded through ts-jest like the tests themselves (core is TypeScript).
require(path.join(__dirname, '../../core/src/process/hardenProcess.ts')).hardenProcess();
