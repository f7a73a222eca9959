'use strict';
// Writes each workspace's test counts to $TEST_RESULTS_DIR/<workspace>.json,
// so `npm test` can print one closing line across all workspaces, and the
// failures again at the very end (CI keeps only the tail of a long log).
const fs = require('node:fs');
const path = require('node:path');

class JestSummaryReporter {
  /** @param {import('@jest/types').Config.GlobalConfig} globalConfig */
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  /** @param {unknown} _contexts @param {import('@jest/test-result').AggregatedResult} results */
  onRunComplete(_contexts, results) {
    const dir = process.env.TEST_RESULTS_DIR;
    if (!dir) return;
    const name = path.relative(path.join(__dirname, '..', '..'), this.rootDir).replace(/[\\/]/g, '-') || 'root';
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({
        numPassedTests: results.numPassedTests,
        numFailedTests: results.numFailedTests,
        numRuntimeErrorTestSuites: results.numRuntimeErrorTestSuites,
        numTotalTestSuites: results.numTotalTestSuites,
        failures: failuresOf(results, path.join(__dirname, '..', '..')),
      }),
    );
  }
}

/** One line per failed test, or per suite that failed outside its tests. */
function failuresOf(results, root) {
  const lines = [];
  for (const suite of results.testResults) {
    const where = path.relative(root, suite.testFilePath);
    const failedTests = suite.testResults.filter((test) => test.status === 'failed');
    for (const test of failedTests) lines.push(`${where} > ${test.fullName}: ${firstLines(test.failureMessages[0])}`);
    if (failedTests.length === 0 && (suite.testExecError || suite.numFailingTests > 0 || suite.failureMessage)) {
      lines.push(`${where}: ${firstLines(suite.testExecError?.message ?? suite.failureMessage)}`);
    }
  }
  return lines;
}

function firstLines(text) {
  const plain = String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').map((line) => line.trim()).filter((line) => line && !/^at .*(node_modules|<anonymous>)/.test(line)).slice(0, 8).join(' | ').slice(0, 800);
}

module.exports = JestSummaryReporter;
