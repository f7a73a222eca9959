import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from 'nats';
import { createUserNkey, publicKeyFromSeed } from '../../../../scripts/lib/nkeys';
import { ROLES, inboxPrefix, permissionTable, permissionTableMarkdown, serverPermissions, type NatsRole } from '../../../../scripts/lib/natsPermissions';
import { API_KEY_RESOLVE_SUBJECT, API_KEY_USED_SUBJECT, natsInboxPrefix } from '@profile-graph/core';
import { STREAM_NAMES, streams } from './streams';

/** NATS subject matching: `*` one token, `>` one or more at the end. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
const mayPublish = (role: NatsRole, subject: string) => serverPermissions(role).publish.allow.some((pattern) => matches(pattern, subject));
const maySubscribe = (role: NatsRole, subject: string) => serverPermissions(role).subscribe.allow.some((pattern) => matches(pattern, subject));
const services = ROLES.filter((role) => role !== 'admin');

describe('the NATS permission table', () => {
  it('mints nkeys that nats itself accepts: the seed signs, the public key verifies', () => {
    const { seed, publicKey } = createUserNkey();
    const pair = nkeys.fromSeed(new TextEncoder().encode(seed));
    expect(pair.getPublicKey()).toBe(publicKey);
    expect(publicKeyFromSeed(seed)).toBe(publicKey);
    const nonce = new TextEncoder().encode('server nonce');
    expect(nkeys.fromPublic(publicKey).verify(nonce, pair.sign(nonce))).toBe(true);
    // Flip a data bit of the last character (its low bits are base32 padding, so 'A' for 'B' changes nothing).
    const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const flipped = BASE32[BASE32.indexOf(seed.at(-1)!) ^ 16]!;
    expect(() => publicKeyFromSeed(`${seed.slice(0, -1)}${flipped}`)).toThrow(/not an nkey seed|not a user nkey seed/);
  });

  it('gives every stream exactly the owner streams.ts names, and nobody else may create it', () => {
    for (const name of STREAM_NAMES) {
      const creators = services.filter((role) => mayPublish(role, `$JS.API.STREAM.CREATE.${name}`));
      expect({ name, creators }).toEqual({ name, creators: [streams[name].owner] });
      for (const role of services) expect(mayPublish(role, `$JS.API.STREAM.UPDATE.${name}`) || mayPublish(role, `$JS.API.STREAM.DELETE.${name}`)).toBe(false);
    }
  });

  it("lets only a stream's owner delete single messages of it (erasure), and nobody purge another's stream", () => {
    for (const name of STREAM_NAMES) {
      const deleters = services.filter((role) => mayPublish(role, `$JS.API.STREAM.MSG.DELETE.${name}`));
      expect({ name, deleters }).toEqual({ name, deleters: [streams[name].owner] });
      for (const role of services.filter((r) => r !== streams[name].owner)) expect(mayPublish(role, `$JS.API.STREAM.PURGE.${name}`)).toBe(false);
    }
  });

  it('keeps each domain to its producer: consent state, identity events, erasure requests, exports, API key answers', () => {
    const only = (subject: string, allowed: NatsRole[], check = mayPublish) => expect({ subject, roles: services.filter((role) => check(role, subject)) }).toEqual({ subject, roles: allowed });
    only('consent.v1.state.u1.EMPLOYER_SHARING', ['consent']);
    only('consent.v1.consent.withdrawn', ['consent']);
    only('identity.v1.session.revoked', ['identity']);
    only('identity.v1.user.deleted', ['identity']);
    only('privacy.v1.erasure.requested', ['consent']);
    for (const subgraph of ['identity', 'hiring', 'consent', 'calls']) only(`rpc.${subgraph}.v1.privacy.export`, ['consent']);
    only(API_KEY_RESOLVE_SUBJECT, ['gateway']);
    only(API_KEY_USED_SUBJECT, ['gateway']);
    only(API_KEY_RESOLVE_SUBJECT, ['identity'], maySubscribe);
    only('consent.v1.state.u1.EMPLOYER_SHARING', [], maySubscribe);
    only('identity.v1.session.started', [], maySubscribe);
    // identity's snapshot: identity answers; calls may ask for users, hiring for organizations, nobody else.
    only('rpc.identity.v1.snapshot.users', ['identity'], maySubscribe);
    only('rpc.identity.v1.snapshot.organizations', ['identity'], maySubscribe);
    only('rpc.identity.v1.snapshot.users', ['calls']);
    only('rpc.identity.v1.snapshot.organizations', ['hiring']);
  });

  it('lets the gateway ask for keys, read revocations without writing them, and keep its rate-limit bucket, nothing else of JetStream', () => {
    const jetStream = serverPermissions('gateway').publish.allow.filter((subject) => subject.startsWith('$JS') && subject !== '$JS.API.INFO');
    expect(jetStream.every((subject) => /\.KV_(revocations|ratelimits)(\.|$)/.test(subject))).toBe(true);
    expect(maySubscribe('gateway', 'identity.v1.apikey.rotated')).toBe(true);
    // Subscriptions (issue 18): core triggers only; no consent snapshots, no erasure requests, no publishing there.
    for (const subject of ['calls.v1.call.started', 'calls.v1.signal.c1', 'consent.v1.consent.withdrawn', 'privacy.v1.erasure.completed']) expect(maySubscribe('gateway', subject)).toBe(true);
    for (const subject of ['consent.v1.state.u1.CONTACT_DISCOVERY', 'privacy.v1.erasure.requested', 'privacy.v1.access.recorded', 'hiring.v1.profile.updated']) expect(maySubscribe('gateway', subject)).toBe(false);
    expect(serverPermissions('gateway').allow_responses).toBeUndefined();
    // Revocations: identity alone writes them; nobody but the operator deletes, purges or reconfigures the bucket.
    for (const kind of ['session', 'apikey', 'user']) expect(services.filter((role) => mayPublish(role, `$KV.revocations.${kind}.x`))).toEqual(['identity']);
    for (const api of ['STREAM.DELETE', 'STREAM.PURGE', 'STREAM.UPDATE', 'STREAM.MSG.DELETE']) {
      expect(services.filter((role) => mayPublish(role, `$JS.API.${api}.KV_revocations`))).toEqual([]);
    }
    expect(services.filter((role) => mayPublish(role, '$JS.API.STREAM.CREATE.KV_revocations'))).toEqual(['identity']);
    expect(mayPublish('gateway', '$JS.API.CONSUMER.CREATE.KV_revocations')).toBe(true);
    expect(mayPublish('gateway', '$JS.API.CONSUMER.DURABLE.CREATE.KV_revocations.x')).toBe(false);
    // Rate limits: the gateway's own bucket, which no subgraph touches.
    expect(services.filter((role) => mayPublish(role, '$KV.ratelimits.abc'))).toEqual(['gateway']);
    expect(services.filter((role) => mayPublish(role, '$JS.API.STREAM.MSG.GET.KV_ratelimits'))).toEqual(['gateway']);
  });

  it('lets each service write only its own dead letter, and read none (the operator lists them)', () => {
    for (const role of services.filter((r) => r !== 'gateway')) {
      for (const other of services.filter((r) => r !== 'gateway')) expect({ role, other, may: mayPublish(role, `deadletter.${other}.x`) }).toEqual({ role, other, may: role === other });
      expect(maySubscribe(role, `deadletter.${role}.x`)).toBe(false);
    }
    expect(mayPublish('gateway', 'deadletter.identity.x')).toBe(false);
  });

  it('gives each role an inbox of its own, the same the kit connects with', () => {
    for (const role of services) {
      expect(natsInboxPrefix(role)).toBe(inboxPrefix(role));
      expect(maySubscribe(role, `${inboxPrefix(role)}.abc`)).toBe(true);
      for (const other of services.filter((o) => o !== role)) expect(maySubscribe(role, `${inboxPrefix(other)}.abc`)).toBe(false);
      expect(maySubscribe(role, '_INBOX.abc')).toBe(false);
    }
  });

  it('lets a service create consumers only under its own durable names', () => {
    for (const role of services) {
      for (const { stream, durable } of permissionTable[role].durables ?? []) {
        expect(durable.startsWith(`${role}-`)).toBe(true);
        for (const other of services.filter((o) => o !== role)) {
          expect(serverPermissions(other).publish.allow.some((subject) => subject.includes(`.${stream}.${durable}`))).toBe(false);
        }
      }
    }
  });

  it('is the table the README shows', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    const between = /<!-- nats-permissions:start -->\n([\s\S]*?)\n<!-- nats-permissions:end -->/.exec(readme);
    expect(between?.[1]).toBe(permissionTableMarkdown());
  });
});
