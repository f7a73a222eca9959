import { initialEncryption, mayCall, type CalleeRules } from './callPolicy';

const rules = (over: Partial<CalleeRules>): CalleeRules => ({ whoCanCall: 'EVERYONE', allowed: [], blocked: [], ...over });
const verified = { id: 'v', verified: true };
const stranger = { id: 's', verified: false };

describe('mayCall', () => {
  it('EVERYONE lets anyone through except the blocked', () => {
    expect(mayCall(rules({}), stranger)).toBe(true);
    expect(mayCall(rules({ blocked: ['s'] }), stranger)).toBe(false);
  });
  it('VERIFIED_ONLY needs a verified caller', () => {
    expect(mayCall(rules({ whoCanCall: 'VERIFIED_ONLY' }), verified)).toBe(true);
    expect(mayCall(rules({ whoCanCall: 'VERIFIED_ONLY' }), stranger)).toBe(false);
    expect(mayCall(rules({ whoCanCall: 'VERIFIED_ONLY', blocked: ['v'] }), verified)).toBe(false);
  });
  it('CONTACTS needs the allow list, and a block still wins', () => {
    expect(mayCall(rules({ whoCanCall: 'CONTACTS', allowed: ['s'] }), stranger)).toBe(true);
    expect(mayCall(rules({ whoCanCall: 'CONTACTS' }), verified)).toBe(false);
    expect(mayCall(rules({ whoCanCall: 'CONTACTS', allowed: ['s'], blocked: ['s'] }), stranger)).toBe(false);
  });
  it('NOBODY lets no one through, contacts included', () => {
    expect(mayCall(rules({ whoCanCall: 'NOBODY', allowed: ['v'] }), verified)).toBe(false);
  });
});

describe('initialEncryption', () => {
  it('follows the default when the caller does not choose', () => {
    expect(initialEncryption({ defaultOn: false, callerMayChoose: true }, undefined)).toEqual({ enabled: false });
    expect(initialEncryption({ defaultOn: true, callerMayChoose: false }, null)).toEqual({ enabled: true });
  });
  it("honours the caller's choice when allowed", () => {
    expect(initialEncryption({ defaultOn: false, callerMayChoose: true }, true)).toEqual({ enabled: true });
    expect(initialEncryption({ defaultOn: true, callerMayChoose: true }, false)).toEqual({ enabled: false });
  });
  it('explains a choice the policy does not allow, and accepts one that matches', () => {
    expect(initialEncryption({ defaultOn: false, callerMayChoose: false }, true)).toEqual({ error: expect.stringContaining('encryption off') });
    expect(initialEncryption({ defaultOn: false, callerMayChoose: false }, false)).toEqual({ enabled: false });
  });
});
