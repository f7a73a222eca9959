import { randomBytes } from 'node:crypto';
import { createCalls, loadCallsConfig } from '@profile-graph/calls';
import { createHiring, loadHiringConfig } from '@profile-graph/hiring';
import { fetchIdentitySnapshot } from '@profile-graph/core';
import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { verifiedOrganization } from '../support/verifiedOrganization';

// Issue 17, item 2: once max_age has dropped IDENTITY's old messages, a fresh calls or hiring database cannot
// rebuild its projection from the stream; it asks identity for a snapshot instead (rpc.identity.v1.snapshot.*),
// which holds current users and organizations only, so an erased user is not rebuilt either.
describe('fresh projections after the IDENTITY stream dropped its history', () => {
  let graph: TestGraph;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    graph = await startGraph();
  }, 60_000);
  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await graph?.stop();
  });

  it("rebuild calls' handles and hiring's organizations from identity, without the erased user", async () => {
    const boss = await graph.signUp('fresh_boss');
    const ben = await graph.signUp('fresh_ben');
    const gone = await graph.signUp('fresh_gone');
    const org = await verifiedOrganization(graph, 'Fresh Co', boss);
    const renamed = await graph.query('mutation { updateProfile(input: { handle: "fresh_benjamin" }) { handle } }', {}, ben.token);
    expect(renamed.body.errors).toBeUndefined();
    const requestId = (await graph.query('mutation { deleteMyAccount { id } }', {}, gone.token)).body.data.deleteMyAccount.id;
    await eventually(async () => expect((await graph.query('query($id: ID!) { privacyRequest(id: $id) { status } }', { id: requestId })).body.data.privacyRequest.status).toBe('COMPLETED'), 20_000);
    await eventually(async () => expect(await graph.subgraphs.calls.services.users.findById(ben.id).lean()).toMatchObject({ handleLower: 'fresh_benjamin', profileVersion: 2 }));

    // What max_age does to a stream older than it: its messages are gone (the durables are caught up).
    const jsm = await (await graph.env.bus('admin')).nc.jetstreamManager();
    await jsm.streams.purge('IDENTITY');
    expect((await jsm.streams.info('IDENTITY')).state.messages).toBe(0);

    const extra = { DATABASE_PREFIX: `f_${randomBytes(5).toString('hex')}` };
    const calls = await createCalls(loadCallsConfig(graph.env.subgraphEnv('calls', extra)));
    closers.push(() => calls.close());
    const hiring = await createHiring(loadHiringConfig(graph.env.subgraphEnv('hiring', extra)));
    closers.push(() => hiring.close());
    await Promise.all([calls.services.identityBootstrap, hiring.services.identityBootstrap]);

    const handles = Object.fromEntries((await calls.services.users.find({}).lean()).map((user) => [user._id, [user.handleLower, user.profileVersion]]));
    expect(handles).toEqual({ [boss.id]: ['fresh_boss', 1], [ben.id]: ['fresh_benjamin', 2] });
    expect(await hiring.services.organizations.findById(org.orgId).lean()).toMatchObject({ name: 'Fresh Co', verified: true, members: [{ userId: boss.id, role: 'ADMIN' }] });
    // The pages carry what the projections keep and nothing more (no display name, email or phone), and page on.
    const nc = await graph.env.connectNats('calls');
    const pages = [];
    for await (const page of fetchIdentitySnapshot(nc, 'users', { timeoutMs: 5_000, pageSize: 1 })) pages.push(page);
    await nc.close();
    expect(pages.flat().map((user) => user.userId).sort()).toEqual([boss.id, ben.id].sort());
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const user of pages.flat()) expect(Object.keys(user).sort()).toEqual(['handle', 'profileVersion', 'profileAt', 'userId', 'verificationAt', 'verified'].sort());
    for (const subgraph of [calls, hiring]) expect(JSON.stringify(await subgraph.db.collection(subgraph === calls ? 'users' : 'organizations').find({}).toArray())).not.toContain(gone.id);
  }, 60_000);
});
