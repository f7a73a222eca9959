import { GraphQLError } from 'graphql';
import { AppError } from './appError';
import { createMaskError } from './maskError';

describe('maskError', () => {
  const logged: unknown[] = [];
  const mask = createMaskError({ error: (obj) => logged.push(obj) });

  it('passes registry errors through without a stack trace', () => {
    const error = new AppError('BAD_USER_INPUT', 'input.handle: too short', { field: 'input.handle' });
    const formatted = mask({ message: error.message, extensions: { code: 'BAD_USER_INPUT', field: 'input.handle', stacktrace: ['at x'] } }, error);
    expect(formatted).toEqual({ message: 'input.handle: too short', extensions: { code: 'BAD_USER_INPUT', field: 'input.handle' } });
  });

  it('replaces anything else with INTERNAL_SERVER_ERROR and logs the original', () => {
    const original = new Error('E11000 duplicate key error collection: secret.users');
    const error = new GraphQLError(original.message, { originalError: original, path: ['signUp'] });
    const formatted = mask({ message: original.message, path: ['signUp'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
    expect(formatted).toEqual({ message: 'Something went wrong on our side.', path: ['signUp'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(formatted)).not.toMatch(/E11000|secret/);
    expect(logged).toHaveLength(1);
  });
});
