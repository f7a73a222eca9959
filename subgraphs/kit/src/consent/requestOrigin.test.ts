import { readRequestOrigin, truncateIp } from './requestOrigin';

describe('requestOrigin', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['::ffff:198.51.100.9', '198.51.100.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:db8::1', '2001:db8:0::'],
    ['not an ip', null],
  ])('truncates %s to %s', (ip, expected) => expect(truncateIp(ip)).toBe(expected));

  it('reads client id, truncated address and user agent from the signed viewer', () => {
    expect(readRequestOrigin({ clientId: 'ios-app', clientIp: '203.0.113.77', userAgent: 'App/1.2' })).toEqual({
      clientId: 'ios-app',
      ipTruncated: '203.0.113.0',
      userAgent: 'App/1.2',
    });
    expect(readRequestOrigin({})).toEqual({ clientId: null, ipTruncated: null, userAgent: null });
  });
});
