import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { API_KEY_RESOLVE_SUBJECT } from '@profile-graph/core';
import { postGraphQL, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createGateway, type Gateway } from '../../src/createGateway';
import { testGatewayConfig } from '../support/startSubgraphs';

// Even the role that may answer key lookups is not believed blindly: a reply
// that does not fit the protocol's schema refuses the key (503), never turns
// it into a partner, never gives a 500, and is counted without its payload.
describe('API key replies are checked against their schema', () => {
  let env: TestEnvironment;
  let identity: NatsConnection;
  let gateway: Gateway;
  let url: string;
  let nextReply: string;

  beforeAll(async () => {
    env = await startTestEnvironment();
    // The test answers as identity would (only that role may): with whatever nextReply holds.
    identity = await env.connectNats('identity');
    identity.subscribe(API_KEY_RESOLVE_SUBJECT, { callback: (_, message) => message.respond(Buffer.from(nextReply)) });
    await identity.flush();
    const nowhere = 'http://127.0.0.1:9/graphql';
    gateway = createGateway(testGatewayConfig(env, { identity: nowhere, hiring: nowhere, consent: nowhere, calls: nowhere }));
    url = (await gateway.listen(0)).url;
  });

  afterAll(async () => {
    await gateway?.close();
    await identity?.close();
    await env?.stop();
  });

  const withKey = () => postGraphQL(url, '{ partnerOrganization { id } }', {}, { 'x-api-key': `pgk_live_${randomBytes(32).toString('base64url')}` });

  it.each([
    ['not JSON', 'found: yes'],
    ['a grant with scopes of the wrong shape', JSON.stringify({ found: true, keyId: 'k1', orgId: 'o1', scopes: 'everything', expiresAt: null })],
    ['a grant with a scope outside the form', JSON.stringify({ found: true, keyId: 'k1', orgId: 'o1', scopes: ['*'], expiresAt: null })],
    ['a grant without an organization', JSON.stringify({ found: true, keyId: 'k1', scopes: ['candidates:search'], expiresAt: null })],
    ['something else entirely', JSON.stringify([1, 2, 3])],
  ])('answers 503 SERVICE_UNAVAILABLE to %s', async (_, reply) => {
    nextReply = reply;
    const response = await withKey();
    expect(response.status).toBe(503);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(response.body)).not.toMatch(/everything|stack/);
  });

  it('answers 401 to a well-formed "no such key", and counted each refused reply by subject only', async () => {
    nextReply = JSON.stringify({ found: false });
    const response = await withKey();
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const metrics = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(/nats_messages_refused_total\{[^}]*subject="rpc\.identity\.v1\.apikey\.resolve"[^}]*\} 5/);
  });
});
