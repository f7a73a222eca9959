import { GraphQLError } from 'graphql';
import { AppError } from '@profile-graph/core';
import { createGatewayMaskError } from './createGatewayMaskError';

const logger = { error: jest.fn(), warn: jest.fn() };
const maskError = createGatewayMaskError(logger as never);
const json = (error: GraphQLError) => JSON.parse(JSON.stringify(error)) as Record<string, unknown>;

describe('createGatewayMaskError', () => {
  it('returns registry errors untouched when they are already safe', () => {
    const error = new AppError('CONSENT_REQUIRED', 'The data subject has not consented.', { purpose: 'EMPLOYER_SHARING' });
    expect(maskError(error)).toBe(error);
  });

  it('keeps message and path of a subgraph registry error but drops its stack trace and service name', () => {
    const error = new GraphQLError('Not allowed.', {
      path: ['user', 'phone'],
      extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', stacktrace: ['at x (/srv/a.ts:1)'], serviceName: 'calls' },
    });
    expect(json(maskError(error))).toEqual({ message: 'Not allowed.', path: ['user', 'phone'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
  });

  it('masks thrown errors and subgraph internal errors, logging the original', () => {
    for (const error of [
      new Error('db password hunter2'),
      new GraphQLError('db password hunter2', { path: ['boom'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] } }),
      new GraphQLError('db password hunter2', { path: ['boom'], extensions: { code: 'SOME_VENDOR_CODE' } }),
    ]) {
      const masked = json(maskError(error));
      expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(JSON.stringify(masked)).not.toMatch(/hunter2|stacktrace/);
    }
    expect(logger.error).toHaveBeenCalledTimes(3);
  });

  it('reports an unreachable or slow subgraph as SERVICE_UNAVAILABLE', () => {
    for (const code of ['SUBREQUEST_HTTP_ERROR', 'TIMEOUT_ERROR']) {
      const masked = json(maskError(new GraphQLError('connect ECONNREFUSED 10.0.0.7:4001', { path: ['user'], extensions: { code, request: { body: '{"variables":{}}' } } })));
      expect(masked).toEqual({ message: expect.not.stringContaining('ECONNREFUSED'), path: ['user'], extensions: { code: 'SERVICE_UNAVAILABLE' } });
    }
  });

  it("gives the engine's protocol refusals a registry code and keeps their HTTP status", () => {
    const masked = maskError(new GraphQLError('Can only perform a mutation operation from a POST request.', { extensions: { http: { status: 405 } } }));
    expect(masked.message).toMatch(/POST/);
    expect(masked.extensions).toEqual({ http: { status: 405 }, code: 'BAD_REQUEST' });
  });
});
