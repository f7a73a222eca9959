// S7: how long after a withdrawal another subgraph starts denying the gated
// field. Clock: from the moment the client has the withdrawConsent response
// (the decision is recorded) to the first probe of the owning subgraph that
// comes back denied. Probes go straight to the subgraph with a signed viewer
// of a recipient of the purpose (another user for CONTACT_DISCOVERY, an
// internal service with hiring:recommendations for HIRING_RECOMMENDATIONS:
// anyone else is refused whatever the consent), back to back, so the resolution is one probe round trip
// (reported). A NATS subscriber on the state subject splits the time into
// "until the snapshot is on NATS" and the rest.
import { performance } from 'node:perf_hooks';
import { graphqlPost } from '../lib/graphqlPost.mjs';
import { median, quantile } from '../lib/median.mjs';
import { core } from '../lib/repoRequire.mjs';

const PROBE_TIMEOUT_MS = 5_000;
/** Trials in flight at once: enough to finish 1,000 withdrawals in minutes on a slow database, few enough not to be a load test. */
const WORKERS = 4;
/** Each purpose with the subgraph and field it gates. */
const TARGETS = [
  {
    purpose: 'HIRING_RECOMMENDATIONS',
    subgraph: 'hiring',
    selection: 'jobRecommendations(first: 1) { score }',
    denied: (user) => user?.jobRecommendations === null,
    prober: () => ({ kind: 'service', scopes: ['hiring:recommendations'] }),
  },
  { purpose: 'CONTACT_DISCOVERY', subgraph: 'identity', selection: 'phoneNumber', denied: (user) => user?.phoneNumber === null, prober: (user) => user },
];
const WITHDRAW = 'mutation Withdraw($purpose: ConsentPurpose!) { withdrawConsent(purpose: $purpose) { status } }';

/**
 * @param {{ gatewayUrl: string, subgraphUrls: Record<string, string>, natsUrl: string, natsCredentials: import('../../lib/natsAuth.js').NatsCredentials, dataset: any, tokenFor: (userId: string) => Promise<string>,
 *   viewerPrivateKey: string, withdrawals: number, budgetSeconds: number, log: (line: string) => void }} context
 */
export async function runConsentPropagation({ gatewayUrl, subgraphUrls, natsUrl, natsCredentials, dataset, tokenFor, viewerPrivateKey, withdrawals, budgetSeconds, log }) {
  const { createViewerSigner, VIEWER_HEADER, connectNats } = core();
  const sign = await createViewerSigner(viewerPrivateKey);
  const prober = { kind: 'user', userId: dataset.users[0]._id, scopes: [] };
  const phones = new Set(dataset.users.filter((user) => user.phoneNumber).map((user) => user._id));
  const queues = TARGETS.map((target) =>
    dataset.consentStates.filter((s) => s.purpose === target.purpose && s.status === 'GRANTED' && s.userId !== prober.userId && (target.subgraph !== 'identity' || phones.has(s.userId))),
  );

  // Watching every snapshot is an operator's view: the admin role.
  const nc = await connectNats({ url: natsUrl, role: 'admin', nkeySeed: natsCredentials.admin.seed, name: 'bench-s7', timeoutMs: 10_000 });
  const seenOnNats = new Map();
  const subscription = nc.subscribe('consent.v1.state.>', { callback: (_, message) => seenOnNats.set(message.subject, performance.now()) });

  const probe = async (target, userId) => {
    const query = `query Probe($r: [_Any!]!) { _entities(representations: $r) { ... on User { ${target.selection} } } }`;
    const headers = { [VIEWER_HEADER]: await sign(target.prober(prober), target.subgraph) };
    // A refused or dropped connection is a failed probe, not the end of the run.
    const { body } = await graphqlPost(subgraphUrls[target.subgraph], query, { r: [{ __typename: 'User', id: userId }] }, headers).catch((error) => ({ body: { errors: [{ message: String(error) }] } }));
    const denied = target.denied(body?.data?._entities?.[0]) && body.errors?.some((e) => e.extensions?.code === 'CONSENT_REQUIRED');
    return { denied, body };
  };

  const trials = [];
  const probeRtts = [];
  let skipped = 0;
  let timedOut = 0;
  let failedWithdrawals = 0;
  let firstFailure;
  let turn = 0;
  const deadline = performance.now() + budgetSeconds * 1000;
  const nextTrial = () => {
    for (let attempts = 0; attempts < TARGETS.length; attempts += 1) {
      const t = turn++ % TARGETS.length;
      const state = queues[t].shift();
      if (state) return { target: TARGETS[t], state };
    }
    return null;
  };
  const trial = async ({ target, state }) => {
    const before = await probe(target, state.userId);
    if (before.denied || before.body?.errors?.length) {
      skipped += 1;
      return;
    }
    const { body } = await graphqlPost(gatewayUrl, WITHDRAW, { purpose: target.purpose }, { authorization: `Bearer ${await tokenFor(state.userId)}` }).catch((error) => ({ body: { errors: [{ message: String(error) }] } }));
    const responded = performance.now();
    if (body?.data?.withdrawConsent?.status !== 'WITHDRAWN') {
      failedWithdrawals += 1;
      firstFailure ??= JSON.stringify(body).slice(0, 300);
      return;
    }
    while (performance.now() - responded < PROBE_TIMEOUT_MS) {
      const sent = performance.now();
      const { denied } = await probe(target, state.userId);
      const now = performance.now();
      probeRtts.push(now - sent);
      if (denied) {
        const onNats = seenOnNats.get(`consent.v1.state.${state.userId}.${target.purpose}`);
        // ms: when the denial was seen (an upper bound, one probe round trip of resolution);
        // sentMs: when that probe left (a lower bound; 0 when the first probe was already denied).
        trials.push({ subgraph: target.subgraph, ms: now - responded, sentMs: sent - responded, natsMs: onNats === undefined ? null : onNats - responded });
        if (trials.length % 250 === 0) log(`  S7: ${trials.length} withdrawals`);
        return;
      }
    }
    timedOut += 1;
  };
  let started = 0;
  const worker = async () => {
    // Counted when started, so the workers together never run more than asked for.
    while (started < withdrawals && performance.now() < deadline) {
      const next = nextTrial();
      if (!next) return;
      started += 1;
      await trial(next);
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  subscription.unsubscribe();
  await nc.close();
  const enforcedAfterDecision = Object.fromEntries(await Promise.all(TARGETS.map(async ({ subgraph }) => [subgraph, await propagationMetric(subgraphUrls[subgraph], subgraph)])));

  const round = (value) => Math.round(value * 10) / 10;
  const summarize = (list) => ({ n: list.length, p50: round(median(list)), p99: round(quantile(list, 0.99)), max: round(Math.max(...list)) });
  const all = trials.map((trial) => trial.ms);
  const natsTimes = trials.map((trial) => trial.natsMs).filter((value) => value !== null);
  return {
    withdrawals: trials.length,
    requested: withdrawals,
    workers: WORKERS,
    budgetSeconds,
    timedOut,
    skipped,
    failedWithdrawals,
    ...(firstFailure ? { firstFailure } : {}),
    latency: summarize(all),
    sentLatency: summarize(trials.map((trial) => trial.sentMs)),
    deniedOnFirstProbe: trials.filter((trial) => trial.sentMs < 1).length,
    bySubgraph: Object.fromEntries(TARGETS.map(({ subgraph }) => [subgraph, summarize(trials.filter((trial) => trial.subgraph === subgraph).map((trial) => trial.ms))])),
    // Negative: the snapshot was on NATS before the client had its response (withdrawConsent answers once it is published).
    snapshotOnNats: summarize(natsTimes),
    probeRoundTripMs: round(median(probeRtts)),
    enforcedAfterDecision,
  };
}

/**
 * What the subgraph itself reports (consent_propagation_seconds, a summary over
 * the last 10 minutes): from the decision's updatedAt, taken before the consent
 * subgraph writes it, to this instance's projection enforcing it. No probe in
 * between, so no probe round trip in the figure. Only S7 changes consent
 * during the run, so the window holds its withdrawals.
 */
async function propagationMetric(graphqlUrl, service) {
  try {
    const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
    const value = (suffix) => Number(new RegExp(`^consent_propagation_seconds${suffix} ([0-9.e+-]+)$`, 'm').exec(text)?.[1]);
    const ms = (q) => Math.round(value(`{quantile="${q}",service="${service}"}`) * 10_000) / 10;
    return { n: value(`_count{service="${service}"}`), p50: ms('0.5'), p99: ms('0.99') };
  } catch (error) {
    return { n: 0, p50: NaN, p99: NaN, problem: String(error) };
  }
}
