import { clientOrigin } from './clientOrigin';

describe('clientOrigin', () => {
  it('takes the client id (or Apollo client name) and the user agent, cut to length', () => {
    expect(clientOrigin(new Headers({ 'x-client-id': 'ios-app', 'user-agent': 'App/1.2' }))).toEqual({ clientId: 'ios-app', userAgent: 'App/1.2' });
    expect(clientOrigin(new Headers({ 'apollographql-client-name': 'web' }))).toEqual({ clientId: 'web' });
    expect(clientOrigin(new Headers({ 'user-agent': 'x'.repeat(300) })).userAgent).toHaveLength(256);
    expect(clientOrigin(new Headers())).toEqual({});
  });
});
