import { GraphQLError } from 'graphql';
import { createLogger } from '@profile-graph/core';
import { createEngineLogger } from './createEngineLogger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 'gateway', level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  return { lines, engine: createEngineLogger(logger) };
}

describe('createEngineLogger', () => {
  it("logs a client's mistake at info with its code and message, without a stack", () => {
    const { lines, engine } = capture();
    engine.error(new GraphQLError('POST body sent invalid JSON.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, code: 'BAD_REQUEST', message: 'POST body sent invalid JSON.' });
    expect(JSON.stringify(lines[0])).not.toMatch(/stack|at .*\(/);
  });

  it('keeps our own faults at error level', () => {
    const { lines, engine } = capture();
    engine.error(new GraphQLError('boom', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }));
    engine.error({ message: 'no code at all' });
    expect(lines.map((line) => line['level'])).toEqual([50, 50]);
  });
});
