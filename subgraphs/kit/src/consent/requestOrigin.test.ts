import { readRequestOrigin, truncateIp } from './requestOrigin';

describe('requestOrigin', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['::ffff:198.51.100.9', '198.51.100.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:db8::1', '2001:db8:0::'],
    ['not an ip', null],
  ])('truncates %s to %s', (ip, expected) => expect(truncateIp(ip)).toBe(expected));

  it('reads the forwarded client, first forwarded address and the original user agent', () => {
    expect(
      readRequestOrigin({ 'x-client-id': 'ios-app', 'x-forwarded-for': '203.0.113.77, 10.0.0.1', 'x-client-user-agent': 'App/1.2', 'user-agent': 'node' }),
    ).toEqual({ clientId: 'ios-app', ipTruncated: '203.0.113.0', userAgent: 'App/1.2' });
    expect(readRequestOrigin({})).toEqual({ clientId: null, ipTruncated: null, userAgent: null });
  });
});
