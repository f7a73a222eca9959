import { createHash } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { createViewerSigner, generateKeyPairPem, SESSION_AUDIENCE, SESSION_ISSUER, VIEWER_HEADER } from '@profile-graph/core';
import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';

// Hostile input through the real gateway and the four real subgraphs (real
// NATS, real MongoDB-wire server). Every case asserts the HTTP status, the
// exact error code, that no stack trace or internal detail leaks, and that
// no database of any subgraph changed.

interface Reply {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] } | string;
}

interface HostileCase {
  name: string;
  send: () => Promise<Reply>;
  status: number;
  /** The code of the first error; `null`: no error, the answer is simply empty of anything it must not show. */
  code: string | null;
  check?: (reply: Reply) => void;
}

let graph: TestGraph;
const fixtures = {
  victim: { id: '', token: '', refreshToken: '' },
  attacker: { id: '', token: '', refreshToken: '' },
  victimOrgId: '',
  victimKeyId: '',
  readKey: '',
  revokedKey: '',
  expiredKey: '',
};

async function send(url: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: Reply['body'] = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text: the assertion will show it
  }
  return { status: response.status, headers: response.headers, body };
}

/** GraphQL over HTTP: with this media type a request that fails as a whole gets a 4xx status, not 200. */
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
const post = (query: string, variables?: unknown, headers: Record<string, string> = {}, url = () => graph.gatewayUrl) => () =>
  send(url(), { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ query, variables }) });
const postRaw = (body: string, headers: Record<string, string> = {}) => () => send(graph.gatewayUrl, { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body });
const bearer = (token: () => string) => ({ get authorization() { return `Bearer ${token()}`; } });
const apiKey = (key: () => string) => ({ get 'x-api-key'() { return key(); } });
const postWith = (query: string, variables: unknown, headers: () => Record<string, string>) => () => post(query, variables, headers())();

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const unsigned = (payload: Record<string, unknown>) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
async function signedWith(privateKey: string, claims: Record<string, unknown>, header: Record<string, unknown>, expiresIn = '5m') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', ...header })
    .setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setSubject(fixtures.victim.id)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(await importPKCS8(privateKey, 'EdDSA'));
}
const strangerKeys = generateKeyPairPem();

const deepCalls = (levels: number) => `{ me { ${'recentCalls { participants { '.repeat(levels)}id${' } }'.repeat(levels)} } }`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
const fragmentBomb = (levels: number) =>
  `{ me { ...F0 } } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on User { id ${i + 1 < levels ? `...F${i + 1} a${i}: handle` : 'handle'} }`).join(' ')}`;

const ME = '{ me { id handle } }';

/** As a legacy client: `Accept: application/json`, for which the engine would answer 200 to refusals. */
const postLegacy = (body: string) => () => send(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
const getQuery = (params: Record<string, string>) => () =>
  send(`${graph.gatewayUrl}?${new URLSearchParams(params)}`, { headers: { 'x-graphql-csrf': '1', accept: 'application/json' } });
const TWO_OPERATIONS = 'query A { me { id } } query B { userByHandle(handle: "victim_h") { id } }';
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const message = (pattern: RegExp) => (r: Reply) => expect((r.body as any).errors?.[0]?.message).toMatch(pattern);

const cases: HostileCase[] = [
  // --- Operation limits -------------------------------------------------------------------------
  { name: 'depth bomb (nested calls/participants)', send: postWith(deepCalls(8), {}, () => bearer(() => fixtures.attacker.token)), status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  { name: 'alias bomb (50 aliases of me)', send: post(aliases(50)), status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  {
    name: 'cost bomb (every alias allowed, each one deep)',
    send: postWith(`{ ${Array.from({ length: 3 }, (_, i) => `a${i}: me { recentCalls(first: 100) { participants { recentCalls(first: 100) { id kind } } } }`).join(' ')} }`, {}, () => bearer(() => fixtures.attacker.token)),
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
  },
  { name: 'directive overload (60 @include on one field)', send: post(`{ me ${'@include(if: true) '.repeat(60)}{ id } }`), status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  { name: 'token flood (3000 repeated fields)', send: post(`{ me { ${'id '.repeat(3000)}} }`), status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  { name: 'fragment fan-out (12 fragments, each spread doubling)', send: post(fragmentBomb(12)), status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  { name: 'huge body (300 kB)', send: postRaw(JSON.stringify({ query: ME, variables: { pad: 'x'.repeat(300_000) } })), status: 413, code: 'OPERATION_LIMIT_EXCEEDED' },
  { name: 'batched request (batching off)', send: postRaw(JSON.stringify([{ query: ME }, { query: ME }])), status: 400, code: 'BAD_REQUEST' },

  // --- Malformed requests -----------------------------------------------------------------------
  { name: 'malformed JSON body', send: postRaw('{"query": "{ me { id } }"'), status: 400, code: 'BAD_REQUEST' },
  { name: 'JSON body that is a string', send: postRaw('"{ me { id } }"'), status: 400, code: 'BAD_REQUEST' },
  { name: 'body without a query', send: postRaw('{"variables": {}}'), status: 400, code: 'BAD_REQUEST' },
  { name: 'unparseable GraphQL', send: post('{ me { id '), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'unknown field (no suggestions outside development)', send: post('{ mee { id } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', check: (r) => expect(JSON.stringify(r.body)).not.toMatch(/Did you mean/) },
  { name: 'circular fragments', send: post('{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  {
    name: 'invalid variables (number for a String handle)',
    send: post('mutation($input: SignUpInput!) { signUp(input: $input) { token } }', { input: { handle: 12345, password: 'correct horse battery', displayName: 'X' } }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  { name: 'missing required variable', send: post('query($h: String!) { userByHandle(handle: $h) { id } }', {}), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'variables that are not an object', send: postRaw(JSON.stringify({ query: ME, variables: 'x' })), status: 400, code: 'BAD_REQUEST' },

  // --- NoSQL operator injection -----------------------------------------------------------------
  { name: 'signIn handle {"$ne": null} as a variable', send: post('mutation($h: String!, $p: String!) { signIn(handle: $h, password: $p) { token } }', { h: { $ne: null }, p: 'x' }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'signIn password {"$gt": ""} as a variable', send: post('mutation($h: String!, $p: String!) { signIn(handle: $h, password: $p) { token } }', { h: 'victim_h', p: { $gt: '' } }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'signIn handle that is an operator in a string', send: post('mutation { signIn(handle: "{\\"$ne\\": null}", password: "whatever12") { token } }'), status: 200, code: 'UNAUTHENTICATED' },
  { name: 'userByHandle {"$where": "sleep(1000)"} as a variable', send: post('query($h: String!) { userByHandle(handle: $h) { id } }', { h: { $where: 'sleep(1000) || true' } }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'userByHandle with a $where-looking string finds nobody', send: post('{ userByHandle(handle: "\'; return true; var x=\'") { id } }'), status: 200, code: null, check: (r) => expect((r.body as any).data).toEqual({ userByHandle: null }) },
  { name: 'signUp with an operator object as input', send: post('mutation($input: SignUpInput!) { signUp(input: $input) { token } }', { input: { $set: { handle: 'x' } } }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'signUp with an operator-looking handle string', send: post('mutation { signUp(input: { handle: "{\\"$gt\\":\\"\\"}", password: "correct horse battery", displayName: "X" }) { token } }'), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'refreshSession with {"$ne": null}', send: post('mutation($t: String!) { refreshSession(refreshToken: $t) { token } }', { t: { $ne: null } }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'refreshSession with a forged refresh token', send: post('mutation { refreshSession(refreshToken: "pgr_00000000-0000-0000-0000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") { token } }'), status: 200, code: 'UNAUTHENTICATED' },

  // --- Access tokens ------------------------------------------------------------------------------
  {
    name: 'no token on a nullable @authenticated field: null there, the rest returned',
    send: () => post('query($o: ID!) { organization(id: $o) { id name } userByHandle(handle: "victim_h") { handle } }', { o: fixtures.victimOrgId })(),
    status: 200,
    code: 'UNAUTHORIZED_FIELD_OR_TYPE',
    check: (r) => expect((r.body as any).data).toEqual({ organization: null, userByHandle: { handle: 'victim_h' } }),
  },
  {
    name: 'no token on a non-null @authenticated field: null propagates to data',
    send: post('{ myOrganizations { id } userByHandle(handle: "victim_h") { handle } }'),
    status: 200,
    code: 'UNAUTHORIZED_FIELD_OR_TYPE',
    check: (r) => expect((r.body as any).data).toBeNull(),
  },
  { name: 'JWT signed with a stranger key', send: async () => post(ME, {}, { authorization: `Bearer ${await signedWith(strangerKeys.privateKey, { sid: 's' }, { kid: 'k1' })}` })(), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'expired JWT', send: async () => post(ME, {}, { authorization: `Bearer ${await signedWith(graph.env.sessionKeys.privateKey, { sid: 's' }, { kid: 'k1' }, '-1m')}` })(), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'alg:none JWT', send: () => post(ME, {}, { authorization: `Bearer ${unsigned({ sub: fixtures.victim.id, sid: 's', iss: SESSION_ISSUER, aud: SESSION_AUDIENCE, exp: 9_999_999_999 })}` })(), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'JWT with an unknown kid', send: async () => post(ME, {}, { authorization: `Bearer ${await signedWith(graph.env.sessionKeys.privateKey, { sid: 's' }, { kid: 'other' })}` })(), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'garbage bearer token', send: post(ME, {}, { authorization: 'Bearer not.a.jwt' }), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'Basic credentials', send: post(ME, {}, { authorization: 'Basic dmljdGltOnB3' }), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'bearer and API key together', send: () => post(ME, {}, { authorization: `Bearer ${fixtures.attacker.token}`, 'x-api-key': fixtures.readKey })(), status: 401, code: 'UNAUTHENTICATED' },

  // --- API keys -----------------------------------------------------------------------------------
  { name: 'revoked API key', send: () => post('{ partnerOrganization { id } }', {}, { 'x-api-key': fixtures.revokedKey })(), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'expired API key', send: () => post('{ partnerOrganization { id } }', {}, { 'x-api-key': fixtures.expiredKey })(), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'unknown, well-formed API key', send: post('{ partnerOrganization { id } }', {}, { 'x-api-key': `pgk_live_${'A'.repeat(43)}` }), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'malformed API key', send: post('{ partnerOrganization { id } }', {}, { 'x-api-key': '{"$ne":null}' }), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'API key sent as a bearer token', send: () => post(ME, {}, { authorization: `Bearer ${fixtures.readKey}` })(), status: 401, code: 'UNAUTHENTICATED' },

  // --- Scope escalation ---------------------------------------------------------------------------
  { name: 'partner key (jobs:read) calls the operator mutation', send: () => post('mutation($id: ID!) { verifyOrganization(id: $id) { id } }', { id: fixtures.victimOrgId }, apiKey(() => fixtures.readKey))(), status: 200, code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
  { name: 'partner key mints itself another key', send: () => post('mutation($o: ID!) { createApiKey(input: { organizationId: $o, name: "more", scopes: [CANDIDATES_SEARCH] }) { secret } }', { o: fixtures.victimOrgId }, apiKey(() => fixtures.readKey))(), status: 200, code: 'UNAUTHENTICATED' },
  { name: 'partner key revokes a key', send: () => post('mutation($k: ID!) { revokeApiKey(id: $k) { id } }', { k: fixtures.victimKeyId }, apiKey(() => fixtures.readKey))(), status: 200, code: 'UNAUTHENTICATED' },
  { name: 'user calls the operator mutation', send: () => post('mutation($id: ID!) { verifyOrganization(id: $id) { id } }', { id: fixtures.victimOrgId }, bearer(() => fixtures.attacker.token))(), status: 200, code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
  { name: 'user creates a key for another organization', send: () => post('mutation($o: ID!) { createApiKey(input: { organizationId: $o, name: "mine", scopes: [CANDIDATES_SEARCH] }) { secret } }', { o: fixtures.victimOrgId }, bearer(() => fixtures.attacker.token))(), status: 200, code: 'NOT_FOUND' },
  { name: "user rotates another organization's key", send: () => post('mutation($k: ID!) { rotateApiKey(id: $k) { secret } }', { k: fixtures.victimKeyId }, bearer(() => fixtures.attacker.token))(), status: 200, code: 'NOT_FOUND' },
  { name: 'user adds themself to another organization', send: () => post('mutation($o: ID!) { addOrganizationMember(organizationId: $o, handle: "attacker_h", role: ADMIN) { role } }', { o: fixtures.victimOrgId }, bearer(() => fixtures.attacker.token))(), status: 200, code: 'NOT_FOUND' },
  { name: 'user asks for a scope outside the fixed set', send: () => post('mutation($o: ID!) { createApiKey(input: { organizationId: $o, name: "x", scopes: [ADMIN] }) { secret } }', { o: fixtures.victimOrgId }, bearer(() => fixtures.victim.token))(), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: "user signs out someone else's session", send: () => post('mutation($t: String!) { signOut(refreshToken: $t) }', { t: fixtures.victim.refreshToken }, bearer(() => fixtures.attacker.token))(), status: 200, code: null, check: (r) => expect((r.body as any).data).toEqual({ signOut: false }) },
  { name: "partner reads a user's private data via me", send: () => post('{ me { id } myOrganizations { id } }', {}, apiKey(() => fixtures.readKey))(), status: 200, code: 'UNAUTHENTICATED', check: (r) => expect((r.body as any).data?.me ?? null).toBeNull() },

  // --- Forged identity headers ---------------------------------------------------------------------
  {
    name: 'forged x-viewer-token sent to the gateway is ignored',
    send: async () => {
      const forge = await createViewerSigner(strangerKeys.privateKey);
      return post('query($o: ID!) { me { id } organization(id: $o) { id } }', { o: fixtures.victimOrgId }, { [VIEWER_HEADER]: await forge({ kind: 'user', userId: fixtures.victim.id, scopes: [] }, 'identity') })();
    },
    status: 200,
    code: 'UNAUTHORIZED_FIELD_OR_TYPE',
    check: (r) => expect((r.body as any).data).toEqual({ me: null, organization: null }),
  },
  { name: 'wrong operator token', send: post('{ me { id } }', {}, { 'x-operator-token': 'let-me-in' }), status: 401, code: 'UNAUTHENTICATED' },

  // --- Direct subgraph calls -----------------------------------------------------------------------
  { name: 'identity called directly without a viewer token', send: () => post(ME, {}, {}, () => graph.subgraphUrls.identity)(), status: 401, code: 'UNAUTHENTICATED' },
  {
    name: 'identity called directly with a forged viewer token',
    send: async () => post(ME, {}, { [VIEWER_HEADER]: await (await createViewerSigner(strangerKeys.privateKey))({ kind: 'service', scopes: ['operator:organizations'] }, 'identity') }, () => graph.subgraphUrls.identity)(),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'identity called with a real viewer token minted for hiring',
    send: async () => post(ME, {}, await graph.env.viewerHeaders({ kind: 'user', userId: fixtures.victim.id, scopes: [] }, 'hiring'), () => graph.subgraphUrls.identity)(),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'hiring called directly with an alg:none viewer',
    send: () => post('{ candidates(skill: "x") { userId } }', {}, { [VIEWER_HEADER]: unsigned({ viewer: { kind: 'service', scopes: [] }, iss: 'profile-graph:gateway', aud: 'profile-graph:subgraph:hiring', exp: 9_999_999_999 }) }, () => graph.subgraphUrls.hiring)(),
    status: 401,
    code: 'UNAUTHENTICATED',
  },

  // --- Introspection, HTTP method, CSRF, page sizes -------------------------------------------------
  { name: 'introspection as a partner', send: () => post('{ __schema { types { name } } }', {}, apiKey(() => fixtures.readKey))(), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'introspection anonymously outside development', send: post('{ __type(name: "User") { fields { name } } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  {
    name: 'mutation over GET',
    send: () => send(`${graph.gatewayUrl}?query=${encodeURIComponent('mutation { signUp(input: { handle: "via_get", password: "correct horse battery", displayName: "G" }) { token } }')}`, { headers: { 'x-graphql-csrf': '1', accept: 'application/json' } }),
    status: 405,
    code: 'BAD_REQUEST',
  },
  { name: 'GET without a CSRF header (a cross-site link)', send: () => send(`${graph.gatewayUrl}?query=${encodeURIComponent(ME)}`, { headers: { accept: 'application/json' } }), status: 403, code: 'FORBIDDEN' },
  {
    name: 'form-encoded POST (a cross-site form)',
    send: () => send(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `query=${encodeURIComponent(ME)}` }),
    status: 403,
    code: 'FORBIDDEN',
  },
  // Armor's cost analysis multiplies by list-size arguments, so absurd pages are refused before planning.
  { name: 'absurd page size on recentCalls', send: postWith('{ me { recentCalls(first: 1000000) { id } } }', {}, () => bearer(() => fixtures.attacker.token)), status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  { name: 'absurd page size on callHistory', send: postWith('{ me { callHistory(first: 1000000) { edges { cursor } } } }', {}, () => bearer(() => fixtures.attacker.token)), status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  { name: 'absurd page size as a variable', send: postWith('query($n: Int) { me { recentCalls(first: $n) { id } } }', { n: 1_000_000 }, () => bearer(() => fixtures.attacker.token)), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'page size overflowing Int', send: post('{ me { recentCalls(first: 99999999999) { id } } }'), status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },

  // --- JavaScript-special names (aliases, variables, JSON keys) -----------------------------------
  // The engine would assign these as response keys: `__proto__` merged into Object.prototype and took the
  // process down, inherited names (toString, ...) stand in for missing data. Refused before planning; other odd names are answered.
  { name: 'alias __proto__ on a field another subgraph serves', send: post('{ userByHandle(handle: "victim_h") { hiringProfile { __proto__: headline } } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', check: message(/alias "__proto__" is reserved/) },
  { name: 'alias __proto__ on an entity list field', send: post('{ userByHandle(handle: "victim_h") { hiringProfile { __proto__: skills } } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', check: message(/__proto__/) },
  { name: 'alias __proto__ on a root field', send: post('{ __proto__: me { id } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', check: message(/alias "__proto__"/) },
  { name: 'alias constructor inside a fragment', send: post('{ userByHandle(handle: "victim_h") { ...F } } fragment F on User { constructor: handle }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', check: message(/alias "constructor"/) },
  { name: 'alias prototype', send: post('{ prototype: userByHandle(handle: "victim_h") { id } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', check: message(/alias "prototype"/) },
  { name: 'variable named $__proto__', send: post('query($__proto__: String!) { userByHandle(handle: $__proto__) { id } }', { x: 1 }), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', check: message(/variable "\$__proto__"/) },
  { name: 'JSON variables with a __proto__ key', send: postRaw('{"query":"query($h: String!) { userByHandle(handle: $h) { id } }","variables":{"h":"victim_h","__proto__":{"polluted":true}}}'), status: 400, code: 'BAD_USER_INPUT', check: message(/^variables\.__proto__:/) },
  { name: 'input object with a __proto__ key', send: postRaw('{"query":"mutation($input: SignUpInput!) { signUp(input: $input) { token } }","variables":{"input":{"handle":"proto_in","password":"correct horse battery","displayName":"P","__proto__":{"isAdmin":true}}}}'), status: 400, code: 'BAD_USER_INPUT', check: message(/^variables\.input\.__proto__:/) },
  { name: 'extensions with a constructor key', send: postRaw(`{"query":"${ME}","extensions":{"constructor":{"prototype":{"x":1}}}}`), status: 400, code: 'BAD_USER_INPUT', check: message(/^extensions\.constructor:/) },
  { name: 'variables nested 5,000 levels deep', send: postRaw(`{"query":"${ME}","variables":{"v":${nested(5_000)}}}`), status: 400, code: 'BAD_USER_INPUT', check: message(/nest deeper than/) },
  { name: 'alias toLocaleString (an inherited property)', send: post('{ userByHandle(handle: "victim_h") { toLocaleString: handle } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', check: message(/alias "toLocaleString" is reserved/) },
  {
    name: 'aliases named then, length and toJSON are answered as own keys',
    send: post('{ then: userByHandle(handle: "victim_h") { length: handle toJSON: id hiringProfile { name: headline } } }'),
    status: 200,
    code: null,
    check: (r) => {
      const data = (r.body as any).data;
      expect(Object.keys(data)).toEqual(['then']);
      expect(data.then).toMatchObject({ length: 'victim_h', toJSON: fixtures.victim.id });
      expect(Object.keys(data.then)).toEqual(['length', 'toJSON', 'hiringProfile']);
    },
  },
  { name: 'numeric aliases are not allowed by GraphQL syntax', send: post('{ 0: me { id } }'), status: 400, code: 'GRAPHQL_PARSE_FAILED' },

  // --- Operations that cannot be resolved (each was a 500) -------------------------------------------
  // The graph has subscriptions (issue 18): a subscription is validated like any operation.
  { name: 'subscription to a field Subscription does not have', send: post('subscription { me { id } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', check: message(/Cannot query field "me" on type "Subscription"/) },
  { name: 'POST with two operations and no operationName', send: postRaw(JSON.stringify({ query: TWO_OPERATIONS })), status: 400, code: 'OPERATION_RESOLUTION_FAILURE', check: message(/Could not determine what operation to execute/) },
  { name: 'POST with an unknown operationName', send: postRaw(JSON.stringify({ query: TWO_OPERATIONS, operationName: 'C' })), status: 400, code: 'OPERATION_RESOLUTION_FAILURE', check: message(/Could not determine what operation to execute/) },
  { name: 'GET with two operations and no operationName', send: getQuery({ query: TWO_OPERATIONS }), status: 400, code: 'OPERATION_RESOLUTION_FAILURE' },
  { name: 'GET with two operations and a good operationName is answered', send: getQuery({ query: TWO_OPERATIONS, operationName: 'B' }), status: 200, code: null, check: (r) => expect((r.body as any).data).toEqual({ userByHandle: { id: fixtures.victim.id } }) },

  // Found by the supergraph fuzzer: every root field skipped gave {} or a 500; a skipped unauthorized field came back null with an error.
  { name: 'every root field skipped by @skip/@include', send: post('query($go: Boolean!) { me @skip(if: true) { id } userByHandle(handle: "victim_h") @include(if: $go) { id } }', { go: false }), status: 200, code: null, check: (r) => expect(r.body).toEqual({ data: {} }) },
  {
    name: 'an unauthorized field skipped by @include(if: false) is neither null nor an error',
    send: post('query($go: Boolean!) { exportMyData @include(if: $go) userByHandle(handle: "victim_h") { handle } }', { go: false }),
    status: 200,
    code: null,
    check: (r) => expect(r.body).toEqual({ data: { userByHandle: { handle: 'victim_h' } } }),
  },
  {
    name: 'the same document with @include(if: true) is refused at that field',
    send: post('query($go: Boolean!) { exportMyData @include(if: $go) userByHandle(handle: "victim_h") { handle } }', { go: true }),
    status: 200,
    code: 'UNAUTHORIZED_FIELD_OR_TYPE',
    check: (r) => expect((r.body as any).data).toEqual({ exportMyData: null, userByHandle: { handle: 'victim_h' } }),
  },

  // --- One status for refusals before execution, whatever the client accepts ---------------------------
  { name: 'malformed JSON with Accept: application/json', send: postLegacy('{"query": "{ me { id } }"'), status: 400, code: 'BAD_REQUEST' },
  { name: 'operation limit with Accept: application/json', send: postLegacy(JSON.stringify({ query: aliases(50) })), status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  { name: 'validation error with Accept: application/json', send: postLegacy(JSON.stringify({ query: '{ mee { id } }' })), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'parse error with Accept: application/json', send: postLegacy(JSON.stringify({ query: '{ me { id ' })), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'bad variable with Accept: application/json', send: postLegacy(JSON.stringify({ query: 'query($h: String!) { userByHandle(handle: $h) { id } }', variables: { h: 5 } })), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'two operations with Accept: application/json', send: postLegacy(JSON.stringify({ query: TWO_OPERATIONS })), status: 400, code: 'OPERATION_RESOLUTION_FAILURE' },

  // --- Names people read -------------------------------------------------------------------------------
  ...['__proto__', 'constructor', 'prototype'].map((handle) => ({
    name: `signUp with the handle ${handle}`,
    send: post('mutation($input: SignUpInput!) { signUp(input: $input) { token } }', { input: { handle, password: 'correct horse battery', displayName: 'X' } }),
    status: 200,
    code: 'BAD_USER_INPUT',
    check: message(/^handle: this handle is reserved/),
  })),
  { name: 'signUp with a right-to-left override in the display name', send: post('mutation($input: SignUpInput!) { signUp(input: $input) { token } }', { input: { handle: 'rlo_user', password: 'correct horse battery', displayName: 'Ada\u202Eecila' } }), status: 200, code: 'BAD_USER_INPUT', check: message(/^displayName: bidirectional control/) },
  { name: 'signUp with a display name of zero-width characters only', send: post('mutation($input: SignUpInput!) { signUp(input: $input) { token } }', { input: { handle: 'zw_user', password: 'correct horse battery', displayName: '\u200B\u200C\u200D' } }), status: 200, code: 'BAD_USER_INPUT', check: message(/^displayName: use at least one visible character/) },
  { name: 'organization named with a right-to-left override', send: postWith('mutation { createOrganization(input: { name: "Acme\u202Eoc" }) { id } }', {}, () => bearer(() => fixtures.attacker.token)), status: 200, code: 'BAD_USER_INPUT', check: message(/^input\.name: bidirectional control/) },
  { name: 'organization named with zero-width characters only', send: postWith('mutation { createOrganization(input: { name: "\u200B\u200B\u2060" }) { id } }', {}, () => bearer(() => fixtures.attacker.token)), status: 200, code: 'BAD_USER_INPUT', check: message(/^input\.name: use at least one visible character/) },
  { name: 'overlong password on signIn', send: post('mutation($p: String!) { signIn(handle: "victim_h", password: $p) { token } }', { p: 'p'.repeat(5_000) }), status: 200, code: 'UNAUTHENTICATED' },
];

/** Every document of every subgraph database, hashed per collection, minus relay bookkeeping and batched usage timestamps. */
async function fingerprint(): Promise<string> {
  const hashes: Record<string, string> = {};
  for (const [name, subgraph] of Object.entries(graph.subgraphs)) {
    const db = subgraph.db.db!;
    const collections = (await db.listCollections().toArray()).map((c) => c.name).sort();
    for (const collection of collections) {
      const hash = createHash('sha256');
      const docs = await db.collection(collection).find({}).sort({ _id: 1 }).toArray();
      for (const doc of docs) {
        const { _outbox: _o, _outboxSeq: _s, lastUsedAt: _used, ...rest } = doc as Record<string, unknown>;
        hash.update(JSON.stringify(rest));
      }
      hashes[`${name}.${collection}`] = `${docs.length}:${hash.digest('hex').slice(0, 16)}`;
    }
  }
  return JSON.stringify(hashes, null, 1);
}

/** Waits until background work (relays, consumers) has settled: two equal fingerprints in a row. */
async function settled(): Promise<string> {
  let previous = await fingerprint();
  return eventually(async () => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const current = await fingerprint();
    const same = current === previous;
    previous = current;
    if (!same) throw new Error('databases still changing');
    return current;
  }, 10_000, 0);
}

describe('hostile input through the real gateway and subgraphs', () => {
  beforeAll(async () => {
    graph = await startGraph();
    fixtures.victim = await graph.signUp('victim_h');
    fixtures.attacker = await graph.signUp('attacker_h');
    const org = await graph.query('mutation { createOrganization(input: { name: "Victim Co" }) { id } }', {}, fixtures.victim.token);
    fixtures.victimOrgId = org.body.data.createOrganization.id;
    await graph.query('mutation($id: ID!) { verifyOrganization(id: $id) { id } }', { id: fixtures.victimOrgId }, undefined, { 'x-operator-token': graph.operatorToken });
    const key = async (extra: Record<string, unknown> = {}) => {
      const response = await graph.query(
        'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }',
        { input: { organizationId: fixtures.victimOrgId, name: 'k', scopes: ['JOBS_READ'], ...extra } },
        fixtures.victim.token,
      );
      if (!response.body.data) throw new Error(JSON.stringify(response.body.errors));
      return response.body.data.createApiKey as { secret: string; apiKey: { id: string } };
    };
    const read = await key();
    fixtures.readKey = read.secret;
    fixtures.victimKeyId = read.apiKey.id;
    const revoked = await key();
    await graph.query('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: revoked.apiKey.id }, fixtures.victim.token);
    fixtures.revokedKey = revoked.secret;
    const expiring = await key({ expiresAt: new Date(Date.now() + 1_000).toISOString() });
    fixtures.expiredKey = expiring.secret;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  });

  afterAll(async () => {
    await graph?.stop();
  });

  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  // The gateway runs in this process: nothing sent may leave a key on the shared prototype.
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
    const before = await settled();
    const reply = await hostile.send();
    if (process.env.HOSTILE_DEBUG) console.log(hostile.name, reply.status, JSON.stringify(reply.body).slice(0, 600));
    const body = typeof reply.body === 'string' ? undefined : reply.body;
    expect({ status: reply.status, code: body?.errors?.[0]?.extensions?.['code'] ?? null }).toEqual({ status: hostile.status, code: hostile.code });
    const text = JSON.stringify(reply.body);
    expect(text).not.toMatch(/stacktrace|\bat [\w.<>]+ \(|ECONNREFUSED|Mongo|mongoose|127\.0\.0\.1:\d+/i);
    expect(text).not.toContain(fixtures.victim.token);
    hostile.check?.(reply);
    expect(await settled()).toBe(before);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>)['headline']).toBeUndefined();
  });

  it('still answers after every case, in the same process', async () => {
    const reply = await post('{ userByHandle(handle: "victim_h") { handle } }')();
    expect(reply).toMatchObject({ status: 200, body: { data: { userByHandle: { handle: 'victim_h' } } } });
  });
});
