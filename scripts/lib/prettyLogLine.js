'use strict';
// Development only: turns a service's pino JSON line into one readable line
// ("08:32:57.873 INFO  gateway ready at ... {"url":...}"). The services keep
// writing JSON everywhere (production, tests, compose); only `npm start`
// formats what it prints, so nothing but this script depends on pino-pretty.
const { prettyFactory } = require('pino-pretty');

/**
 * @param {{ colorize?: boolean }} [options]
 * @returns {(line: string) => string} a formatter; a line that is not a pino JSON object is returned as it is
 */
function createPrettyLogLine(options = {}) {
  const pretty = prettyFactory({
    colorize: options.colorize ?? false,
    singleLine: true,
    // The prefix already names the service; pid and host say nothing on one machine.
    ignore: 'pid,hostname,name',
    translateTime: 'SYS:HH:MM:ss.l',
    // Errors too stay on their one line (their stack is in the JSON, escaped), so one event is one line.
    errorLikeObjectKeys: [],
  });
  return (line) => {
    if (!line.startsWith('{')) return line;
    let parsed;
    try {
      parsed = JSON.parse(line);
    } catch {
      return line;
    }
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.level !== 'number') return line;
    return pretty(parsed).replace(/\n+$/, '');
  };
}

module.exports = { createPrettyLogLine };
