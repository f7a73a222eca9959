import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { GRANT, WITHDRAW, setConsent } from '../support/consentWorld';
import { disposeAll, liveClient, sseClient, subscriptionsOpen, type Transport } from '../support/liveClients';

// Consent is decided per event, not per subscription: a withdrawal takes the
// gated fields out of the very next event a subscriber receives.
describe('consent in subscriptions', () => {
  let graph: TestGraph;
  const clients: { dispose(): void }[] = [];
  const keep = <T extends { dispose(): void }>(made: T) => (clients.push(made), made);

  beforeAll(async () => {
    graph = await startGraph();
  });
  afterEach(async () => {
    await disposeAll(clients, graph.gatewayUrl);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it.each<Transport>(['sse', 'ws'])('removes a gated field from the next event once its subject withdraws (%s)', async (transport) => {
    const caller = await graph.signUp(`gated_caller_${transport}`, 'Caller');
    const callee = await graph.signUp(`gated_callee_${transport}`, 'Callee');
    expect((await graph.query('mutation { setPhoneNumber(e164: "+14155550123") { id } }', {}, caller.token)).body.errors).toBeUndefined();
    await setConsent(graph, caller, 'CONTACT_DISCOVERY', true);
    const callId = await eventually(async () => {
      const response = await graph.query('mutation($h: String!) { startCall(calleeHandle: $h, kind: AUDIO, encrypted: false) { id } }', { h: `gated_callee_${transport}` }, caller.token);
      if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
      return response.body.data.startCall.id as string;
    });
    const feed = keep(liveClient(transport, graph.gatewayUrl, callee.token)).subscribe(
      'subscription($id: ID!) { callUpdated(callId: $id) { status encryption { enabled } caller { handle phoneNumber } } }',
      { id: callId },
    );
    await subscriptionsOpen(graph.gatewayUrl, 1);

    await graph.query('mutation($id: ID!) { acceptCall(callId: $id) { status } }', { id: callId }, callee.token);
    const granted = await feed.next();
    expect(granted.errors).toBeUndefined();
    const shown = (granted.data?.['callUpdated'] as { caller: { phoneNumber: string | null } }).caller.phoneNumber;
    expect(shown).toEqual(expect.any(String));

    await setConsent(graph, caller, 'CONTACT_DISCOVERY', false);
    await graph.query('mutation($id: ID!) { setCallEncryption(callId: $id, enabled: true) { id } }', { id: callId }, caller.token);
    const withdrawn = await feed.next();
    expect(withdrawn.data).toEqual({ callUpdated: { status: 'ACTIVE', encryption: { enabled: true }, caller: { handle: `gated_caller_${transport}`, phoneNumber: null } } });
    expect(withdrawn.errors?.map((error) => ({ path: error.path, code: error.extensions?.['code'] }))).toEqual([{ path: ['callUpdated', 'caller', 'phoneNumber'], code: 'CONSENT_REQUIRED' }]);
    await graph.query('mutation($id: ID!) { endCall(callId: $id) { status } }', { id: callId }, caller.token);
  });

  it.each<Transport>(['sse', 'ws'])("tells the signed-in user of their own decisions made on another device (%s)", async (transport) => {
    const user = await graph.signUp(`own_consent_${transport}`, 'Own');
    const other = await graph.signUp(`other_consent_${transport}`, 'Other');
    const mine = keep(liveClient(transport, graph.gatewayUrl, user.token)).subscribe('subscription { myConsentChanged { purpose status policyVersion } }');
    const theirs = keep(liveClient(transport, graph.gatewayUrl, other.token)).subscribe('subscription { myConsentChanged { purpose status } }');
    await subscriptionsOpen(graph.gatewayUrl, 2);
    await graph.query(GRANT, { p: 'HIRING_RECOMMENDATIONS' }, user.token);
    expect((await mine.next()).data).toEqual({ myConsentChanged: { purpose: 'HIRING_RECOMMENDATIONS', status: 'GRANTED', policyVersion: '2026-12' } });
    await graph.query(WITHDRAW, { p: 'HIRING_RECOMMENDATIONS' }, user.token);
    expect((await mine.next()).data).toEqual({ myConsentChanged: { purpose: 'HIRING_RECOMMENDATIONS', status: 'WITHDRAWN', policyVersion: null } });
    // Someone else's decisions never reach this subscriber.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(theirs.frames).toEqual([]);
  });

  it('follows an erasure to its end, by the request id alone (the account and its sessions are gone by then)', async () => {
    const user = await graph.signUp('erased_live', 'Erased');
    const asked = await graph.query('mutation { deleteMyAccount { id } }', {}, user.token);
    const requestId: string = asked.body.data.deleteMyAccount.id;
    const feed = keep(sseClient(graph.gatewayUrl)).subscribe('subscription($id: ID!) { privacyRequestUpdated(id: $id) { id status progress { subgraph status } } }', { id: requestId });
    const { error } = await feed.ended;
    expect(error).toBeUndefined();
    const last = feed.frames.at(-1)!.data?.['privacyRequestUpdated'] as { status: string; progress: { status: string }[] };
    expect(last.status).toBe('COMPLETED');
    expect(last.progress).toHaveLength(4);
    // Steps only ever move forward, frame by frame.
    const done = feed.frames.map((frame) => (frame.data?.['privacyRequestUpdated'] as { progress: { status: string }[] }).progress.filter((step) => step.status === 'COMPLETED').length);
    expect([...done].sort((a, b) => a - b)).toEqual(done);

    const unknown = keep(sseClient(graph.gatewayUrl)).subscribe('subscription { privacyRequestUpdated(id: "no-such-request") { id } }');
    await unknown.ended;
    expect(unknown.frames.map((frame) => frame.errors?.[0]?.extensions?.['code'])).toEqual(['NOT_FOUND']);
  });
});
