#!/usr/bin/env node
// npm test: every workspace's unit and integration tests against real
// services. Installs what is missing first (npm packages, nats-server, the
// MongoDB-wire server), then runs the tests through turbo and prints one
// closing line, "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { ensureInstalled } = require('./lib/ensureInstalled.js');
const services = require('./lib/services.js');

ensureInstalled(root);
// Install the servers up front: a `go install` inside a jest hook would hit its timeout.
services.findOrInstallNatsServer();
services.findOrInstallMongo();

const resultsDir = path.join(root, '.data', 'test-results');
fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });

// Two workspaces at a time: each runs real servers, and the machine has two cores.
const run = spawnSync(
  'npx',
  ['turbo', 'run', 'test', '--concurrency=2', '--continue', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TEST_RESULTS_DIR: resultsDir } },
);

let passed = 0;
let failed = 0;
let suites = 0;
const failures = [];
for (const file of fs.readdirSync(resultsDir)) {
  const result = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
  suites += result.numTotalTestSuites;
  failures.push(...(result.failures ?? []));
}
if (failures.length > 0) console.log(`\nfailed:\n${failures.map((line) => `- ${line}`).join('\n')}`);
console.log(`\n${suites} test suites in ${fs.readdirSync(resultsDir).length} workspaces`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
