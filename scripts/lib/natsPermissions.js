'use strict';
// The one permission table of the event plane (issue 16). It generates the
// nats-server authorization for `npm start`, the tests, the bench and both
// compose files (natsAuth.js), and the README's table (`npm run nats:permissions`).
// Plain CommonJS with no dependencies, like services.js, which uses it.
//
// Least privilege: a role may publish, subscribe to, request and answer only
// what its code does today, and reach the JetStream API only for its own
// streams and its own durable consumers. Every subject a role does not need
// is refused by the server itself, so a forged consent snapshot, API-key
// answer, export request or session revocation never reaches a consumer.
// Replies go back only to whoever asked (allow_responses: one reply, within
// a minute), and every role gets an inbox prefix of its own, so no role can
// read replies meant for another (the default `_INBOX.>` is shared).

/** @typedef {'gateway' | 'identity' | 'hiring' | 'consent' | 'calls' | 'admin'} NatsRole */
/**
 * @typedef {{ stream: string, durable: string, filters: string[] }} DurableGrant
 * @typedef {{
 *   why: string,
 *   publish?: string[], subscribe?: string[], request?: string[], answer?: string[],
 *   ownStreams?: string[], readStreams?: string[], followStreams?: string[],
 *   purgeStreams?: string[], getFromStreams?: string[], eraseFromStreams?: string[], durables?: DurableGrant[], superuser?: boolean,
 * }} RoleGrant
 */

const JS_API = '$JS.API';
const ROLES = /** @type {const} */ (['gateway', 'identity', 'hiring', 'consent', 'calls', 'admin']);

/** Each role's own reply inbox: `_INBOX_<role>.>`. The client must connect with this `inboxPrefix`. @param {string} role */
const inboxPrefix = (role) => `_INBOX_${role}`;

/** @param {string} durable @param {string} stream @param {...string} filters @returns {DurableGrant} */
const durable = (stream, name, ...filters) => ({ stream, durable: name, filters });

const ERASURE_REQUESTED = 'privacy.v1.erasure.requested';
const ERASURE_COMPLETED = 'privacy.v1.erasure.completed';
const ACCESS_RECORDED = 'privacy.v1.access.recorded';
const exportSubject = (/** @type {string} */ subgraph) => `rpc.${subgraph}.v1.privacy.export`;
// identity's current state, for a fresh calls or hiring database once IDENTITY has dropped old messages (max_age).
const USERS_SNAPSHOT = 'rpc.identity.v1.snapshot.users';
const ORGANIZATIONS_SNAPSHOT = 'rpc.identity.v1.snapshot.organizations';
const SUBGRAPHS = ['identity', 'hiring', 'consent', 'calls'];
/** KV buckets' subjects (a bucket B is the stream KV_B over `$KV.B.>`). */
const KV_REVOCATIONS = '$KV.revocations';
const KV_RATELIMITS = '$KV.ratelimits';

// Each service's dead letter (subgraphs/kit/src/events/deadLetter.ts): references to events its consumers gave up
// on. Only the service writes its own; nobody else reads it but the operator (admin: `npm run deadletters`).
const deadLetterSubjects = (/** @type {string} */ name) => `deadletter.${name}.>`;
const deadLetterStream = (/** @type {string} */ name) => `DEADLETTER_${name.toUpperCase()}`;

/** What every subgraph does: report reads of gated fields and its part of an erasure, follow consent state, answer its export. @param {string} name */
const subgraphBase = (name) => ({
  publish: [ACCESS_RECORDED, ERASURE_COMPLETED],
  answer: [exportSubject(name)],
  followStreams: ['CONSENT_STATE'],
  readStreams: ['PRIVACY'],
  durables: [durable('PRIVACY', `${name}-privacy-erasure`, ERASURE_REQUESTED)],
});

/** @type {Record<NatsRole, RoleGrant>} */
const permissionTable = {
  gateway: {
    why: "asks identity about API keys and organizations' trusted documents, reports key use, hears key rotations and trusted-document changes; reads and watches revocations (never writes them); shares rate-limit buckets; hears call, signal, consent and erasure events as triggers for open subscriptions (core, at-most-once)",
    request: ['rpc.identity.v1.apikey.resolve', 'rpc.identity.v1.trusteddocuments.get'],
    publish: ['rpc.identity.v1.apikey.used', `${KV_RATELIMITS}.>`],
    subscribe: [
      'identity.v1.apikey.*',
      'identity.v1.organization.trusted_documents_changed',
      // Subscriptions (issue 18): gateway/src/subscriptions/liveEvents.ts LIVE_SUBJECTS.
      'calls.v1.call.*',
      'calls.v1.signal.*',
      'consent.v1.consent.*',
      'privacy.v1.erasure.completed',
    ],
    // Revocations: an ephemeral (ordered) reader only; no publish to $KV.revocations, no delete or purge.
    followStreams: ['KV_revocations'],
    // Rate limits: its own bucket, read by subject and written with revision checks.
    ownStreams: ['KV_ratelimits'],
    getFromStreams: ['KV_ratelimits'],
  },
  identity: {
    why: 'owns users, sessions, organizations and API keys: the only publisher of identity.v1.> and the only answer to rpc.identity.>',
    ...subgraphBase('identity'),
    publish: ['identity.v1.>', ACCESS_RECORDED, ERASURE_COMPLETED, `${KV_REVOCATIONS}.>`, deadLetterSubjects('identity')],
    answer: ['rpc.identity.v1.apikey.resolve', 'rpc.identity.v1.trusteddocuments.get', exportSubject('identity'), USERS_SNAPSHOT, ORGANIZATIONS_SNAPSHOT],
    subscribe: ['rpc.identity.v1.apikey.used'],
    // KV_revocations: identity alone writes revoked sessions, keys and erased users; gateways only read them.
    ownStreams: ['IDENTITY', 'KV_revocations', deadLetterStream('identity')],
    // Erasure deletes the user's messages from the streams the role owns (and nobody else's).
    eraseFromStreams: ['IDENTITY', deadLetterStream('identity')],
    readStreams: ['CONSENT', 'PRIVACY'],
    durables: [
      durable('CONSENT', 'identity-biometric-destruction', 'consent.v1.consent.withdrawn'),
      durable('PRIVACY', 'identity-privacy-erasure', ERASURE_REQUESTED),
      durable('IDENTITY', 'identity-revocations', 'identity.v1.session.revoked', 'identity.v1.apikey.revoked'),
    ],
  },
  hiring: {
    why: 'owns hiring profiles, jobs and applications; reads sign-ups, organizations and withdrawals',
    ...subgraphBase('hiring'),
    publish: ['hiring.v1.>', ACCESS_RECORDED, ERASURE_COMPLETED, deadLetterSubjects('hiring')],
    request: [ORGANIZATIONS_SNAPSHOT],
    ownStreams: ['HIRING', deadLetterStream('hiring')],
    eraseFromStreams: ['HIRING', deadLetterStream('hiring')],
    readStreams: ['IDENTITY', 'CONSENT', 'PRIVACY'],
    durables: [
      durable('IDENTITY', 'hiring-user-created', 'identity.v1.user.created'),
      durable('IDENTITY', 'hiring-organizations', ...['created', 'verified', 'member_added', 'member_removed', 'member_role_changed'].map((e) => `identity.v1.organization.${e}`)),
      durable('CONSENT', 'hiring-consent-withdrawn', 'consent.v1.consent.withdrawn'),
      durable('PRIVACY', 'hiring-privacy-erasure', ERASURE_REQUESTED),
    ],
  },
  consent: {
    why: 'owns the ledger: the only publisher of consent.v1.> and of erasure requests, the only one who may ask for exports',
    ...subgraphBase('consent'),
    publish: ['consent.v1.>', ERASURE_REQUESTED, ACCESS_RECORDED, ERASURE_COMPLETED, deadLetterSubjects('consent')],
    request: SUBGRAPHS.map(exportSubject),
    ownStreams: ['CONSENT', 'CONSENT_STATE', 'PRIVACY', deadLetterStream('consent')],
    readStreams: ['PRIVACY'],
    // Erasure removes the user's last-value snapshots from the stream.
    purgeStreams: ['CONSENT_STATE'],
    // Erasure deletes the user's messages; stored access-log batches are deleted by the consumer that stored them.
    eraseFromStreams: ['CONSENT', 'CONSENT_STATE', 'PRIVACY', deadLetterStream('consent')],
    durables: [
      durable('PRIVACY', 'consent-access-recorded', ACCESS_RECORDED),
      durable('PRIVACY', 'consent-erasure-progress', ERASURE_COMPLETED),
      durable('PRIVACY', 'consent-privacy-erasure', ERASURE_REQUESTED),
    ],
  },
  calls: {
    why: 'owns calls and their signaling on CALLS (read back by subject, purged when a call ends); reads users and verifications',
    ...subgraphBase('calls'),
    publish: ['calls.v1.>', ACCESS_RECORDED, ERASURE_COMPLETED, deadLetterSubjects('calls')],
    request: [USERS_SNAPSHOT],
    ownStreams: ['CALLS', deadLetterStream('calls')],
    readStreams: ['IDENTITY', 'PRIVACY'],
    purgeStreams: ['CALLS'],
    getFromStreams: ['CALLS'],
    eraseFromStreams: ['CALLS', deadLetterStream('calls')],
    durables: [
      durable('IDENTITY', 'calls-user-projection', 'identity.v1.user.created'),
      durable('IDENTITY', 'calls-verification-projection', 'identity.v1.user.verified', 'identity.v1.verification.completed'),
      durable('IDENTITY', 'calls-user-deletion', 'identity.v1.user.deleted'),
      durable('IDENTITY', 'calls-user-updates', 'identity.v1.user.updated'),
      durable('PRIVACY', 'calls-privacy-erasure', ERASURE_REQUESTED),
    ],
  },
  admin: {
    why: 'operator tools (stream provisioning and repair, the bench seeder, test fixtures); its seed is never given to a service',
    superuser: true,
  },
};

/**
 * The JetStream API subjects a grant needs. Consumer creation is allowed only
 * under the role's own durable names (with the filter in the subject when
 * there is one, so the server checks it too); following a stream means an
 * ordered (ephemeral) consumer and nothing else: no delete, no durable
 * of another service, no stream update.
 * @param {RoleGrant} grant
 */
function jetStreamSubjects(grant) {
  const subjects = new Set();
  const streamsTouched = [...(grant.ownStreams ?? []), ...(grant.readStreams ?? []), ...(grant.followStreams ?? []), ...(grant.eraseFromStreams ?? [])];
  if (streamsTouched.length) subjects.add(`${JS_API}.INFO`);
  for (const stream of streamsTouched) subjects.add(`${JS_API}.STREAM.INFO.${stream}`);
  // CREATE, never UPDATE: a stream's config (subjects, sources, republish) is changed by the operator only.
  for (const stream of grant.ownStreams ?? []) subjects.add(`${JS_API}.STREAM.CREATE.${stream}`);
  for (const stream of grant.purgeStreams ?? []) subjects.add(`${JS_API}.STREAM.PURGE.${stream}`);
  for (const stream of grant.getFromStreams ?? []) subjects.add(`${JS_API}.STREAM.MSG.GET.${stream}`);
  for (const { stream, durable: name, filters } of grant.durables ?? []) {
    // nats.js sends several filters through the legacy durable create, which names the durable but not the filters.
    subjects.add(filters.length === 1 ? `${JS_API}.CONSUMER.CREATE.${stream}.${name}.${filters[0]}` : `${JS_API}.CONSUMER.DURABLE.CREATE.${stream}.${name}`);
    subjects.add(`${JS_API}.CONSUMER.INFO.${stream}.${name}`);
    subjects.add(`${JS_API}.CONSUMER.MSG.NEXT.${stream}.${name}`);
    subjects.add(`$JS.ACK.${stream}.${name}.>`);
  }
  // Reading a stream once, from the start, to delete single messages: an ephemeral reader and MSG.DELETE.
  for (const stream of grant.eraseFromStreams ?? []) subjects.add(`${JS_API}.STREAM.MSG.DELETE.${stream}`);
  for (const stream of [...(grant.followStreams ?? []), ...(grant.eraseFromStreams ?? [])]) {
    // The unnamed create: the server refuses a durable name on it, so this grants ephemeral consumers only.
    subjects.add(`${JS_API}.CONSUMER.CREATE.${stream}`);
    subjects.add(`${JS_API}.CONSUMER.INFO.${stream}.*`);
    subjects.add(`${JS_API}.CONSUMER.MSG.NEXT.${stream}.*`);
  }
  return [...subjects];
}

/**
 * The nats-server `permissions` block of one role.
 * @param {NatsRole} role
 * @returns {{ publish: { allow: string[] }, subscribe: { allow: string[] }, allow_responses?: { max: number, expires: string } }}
 */
function serverPermissions(role) {
  const grant = permissionTable[role];
  if (!grant) throw new Error(`no NATS role ${role}`);
  if (grant.superuser) return { publish: { allow: ['>'] }, subscribe: { allow: ['>'] } };
  const publish = [...(grant.publish ?? []), ...(grant.request ?? []), ...jetStreamSubjects(grant)];
  const subscribe = [`${inboxPrefix(role)}.>`, ...(grant.subscribe ?? []), ...(grant.answer ?? [])];
  return {
    publish: { allow: [...new Set(publish)] },
    subscribe: { allow: [...new Set(subscribe)] },
    ...(grant.answer?.length ? { allow_responses: { max: 1, expires: '1m' } } : {}),
  };
}

const code = (/** @type {string[] | undefined} */ list) => (list?.length ? list.map((item) => `\`${item}\``).join(', ') : '-');

/** The README's permission table, rendered from the same grants (README.md carries it between markers, checked by a test). */
function permissionTableMarkdown() {
  const rows = ROLES.map((role) => {
    const grant = permissionTable[role];
    if (grant.superuser) return `| \`${role}\` | everything | everything | - | everything | every API | ${grant.why} |`;
    const jetStream = [
      ...(grant.ownStreams?.length ? [`creates ${code(grant.ownStreams)}`] : []),
      ...(grant.durables?.length ? [`durables ${grant.durables.map((d) => `\`${d.stream}/${d.durable}\``).join(', ')}`] : []),
      ...(grant.followStreams?.length ? [`ephemeral reader of ${code(grant.followStreams)}`] : []),
      ...(grant.purgeStreams?.length ? [`purges ${code(grant.purgeStreams)}`] : []),
      ...(grant.getFromStreams?.length ? [`reads by subject ${code(grant.getFromStreams)}`] : []),
      ...(grant.eraseFromStreams?.length ? [`reads and deletes single messages of ${code(grant.eraseFromStreams)}`] : []),
    ];
    return `| \`${role}\` | ${code(grant.publish)} | ${code(grant.request)} | ${code(grant.answer)} | ${code(grant.subscribe)} | ${jetStream.join('; ') || 'none'} | ${grant.why} |`;
  });
  return [
    '| role | publishes | requests | answers (one reply, to the asker only) | subscribes | JetStream | why |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

module.exports = { ROLES, permissionTable, serverPermissions, inboxPrefix, jetStreamSubjects, permissionTableMarkdown };
