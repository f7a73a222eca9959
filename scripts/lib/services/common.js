'use strict';
// What every part of the dev services shares: where servers listen, how long
// to wait for them, and how to say what is happening (stderr, one line).
// Plain CommonJS with node: built-ins only, so it works before `npm install`.

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 50;
const PROBE_TIMEOUT_MS = 1_000;

/** @param {string} msg */
function say(msg) {
  process.stderr.write(`services: ${msg}\n`);
}

/** @param {string} text */
function lastLine(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines[lines.length - 1] || '').slice(0, 300);
}

/** @param {number} ms */
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = { HOST, READY_TIMEOUT_MS, STOP_TIMEOUT_MS, POLL_MS, PROBE_TIMEOUT_MS, say, lastLine, delay };
