import { errorCodes, startIdentityHarness, userViewer, type IdentityHarness } from '../support/identityHarness';

const operator = { kind: 'service' as const, scopes: ['operator:organizations'] };

describe('organization members: invite, accept, remove, roles (real services)', () => {
  let harness: IdentityHarness;
  let admin: string;
  let bob: string;
  let carol: string;
  let organizationId: string;

  beforeAll(async () => {
    harness = await startIdentityHarness();
    admin = await harness.signUp('org_admin');
    bob = await harness.signUp('org_bob');
    carol = await harness.signUp('org_carol');
    const created = await harness.as(userViewer(admin), 'mutation { createOrganization(input: { name: "Acme Hiring" }) { id } }');
    organizationId = created.body.data.createOrganization.id;
  });
  afterAll(async () => harness?.stop());

  const lastEvent = async (subject: string) => {
    await harness.identities[0]!.relay.flush();
    const jsm = await (await harness.env.bus('admin')).nc.jetstreamManager();
    return JSON.parse(Buffer.from((await jsm.streams.getMessage('IDENTITY', { last_by_subj: subject })).data).toString()).data;
  };
  const members = async () => {
    const response = await harness.as(userViewer(admin), 'query($id: ID!) { organization(id: $id) { members { user { id } role } invitations { user { id } role } } }', { id: organizationId });
    return response.body.data.organization;
  };

  it('identity.v1.organization.verified carries the id and the name', async () => {
    const verified = await harness.as(operator, 'mutation($id: ID!) { verifyOrganization(id: $id) { verified } }', { id: organizationId });
    expect(verified.body.data.verifyOrganization.verified).toBe(true);
    expect(await lastEvent('identity.v1.organization.verified')).toEqual({ organizationId, name: 'Acme Hiring' });
  });

  it('an ADMIN invites; the invitee sees it and accepts with the invited role', async () => {
    const invite = await harness.as(userViewer(admin), 'mutation($o: ID!) { inviteOrganizationMember(organizationId: $o, handle: "ORG_BOB", role: RECRUITER) { user { id } role } }', { o: organizationId });
    expect(invite.body.data.inviteOrganizationMember).toEqual({ user: { id: bob }, role: 'RECRUITER' });
    const twice = await harness.as(userViewer(admin), 'mutation($o: ID!) { inviteOrganizationMember(organizationId: $o, handle: "org_bob", role: ADMIN) { role } }', { o: organizationId });
    expect(errorCodes(twice)).toEqual(['CONFLICT']);
    // Not an admin: no invitations.
    const byCarol = await harness.as(userViewer(carol), 'mutation($o: ID!) { inviteOrganizationMember(organizationId: $o, handle: "org_carol", role: ADMIN) { role } }', { o: organizationId });
    expect(errorCodes(byCarol)).toEqual(['NOT_FOUND']);

    const pending = await harness.as(userViewer(bob), '{ myOrganizationInvitations { organization { id name } role } }');
    expect(pending.body.data.myOrganizationInvitations).toEqual([{ organization: { id: organizationId, name: 'Acme Hiring' }, role: 'RECRUITER' }]);
    expect((await members()).invitations).toEqual([{ user: { id: bob }, role: 'RECRUITER' }]);

    const accepted = await harness.as(userViewer(bob), 'mutation($o: ID!) { acceptOrganizationInvitation(organizationId: $o) { role } }', { o: organizationId });
    expect(accepted.body.data.acceptOrganizationInvitation.role).toBe('RECRUITER');
    expect(await members()).toEqual({ members: [{ user: { id: admin }, role: 'ADMIN' }, { user: { id: bob }, role: 'RECRUITER' }], invitations: [] });
    expect(await lastEvent('identity.v1.organization.member_added')).toEqual({ organizationId, userId: bob, role: 'RECRUITER' });
    // A recruiter sees no invitations and cannot invite.
    const asBob = await harness.as(userViewer(bob), 'query($id: ID!) { organization(id: $id) { invitations { role } } }', { id: organizationId });
    expect(asBob.body.data.organization.invitations).toBeNull();
  });

  it('roles change, the last ADMIN stays, members are removed or leave', async () => {
    const demoteSelf = await harness.as(userViewer(admin), 'mutation($o: ID!, $u: ID!) { changeOrganizationMemberRole(organizationId: $o, userId: $u, role: RECRUITER) { role } }', { o: organizationId, u: admin });
    expect(errorCodes(demoteSelf)).toEqual(['CONFLICT']);
    const promote = await harness.as(userViewer(admin), 'mutation($o: ID!, $u: ID!) { changeOrganizationMemberRole(organizationId: $o, userId: $u, role: ADMIN) { role } }', { o: organizationId, u: bob });
    expect(promote.body.data.changeOrganizationMemberRole.role).toBe('ADMIN');
    expect(await lastEvent('identity.v1.organization.member_role_changed')).toEqual({ organizationId, userId: bob, role: 'ADMIN' });

    const removeAdmin = await harness.as(userViewer(bob), 'mutation($o: ID!, $u: ID!) { removeOrganizationMember(organizationId: $o, userId: $u) { members { user { id } } } }', { o: organizationId, u: admin });
    expect(removeAdmin.body.data.removeOrganizationMember.members).toEqual([{ user: { id: bob } }]);
    expect(await lastEvent('identity.v1.organization.member_removed')).toEqual({ organizationId, userId: admin });
    const lastAdminLeaves = await harness.as(userViewer(bob), 'mutation($o: ID!, $u: ID!) { removeOrganizationMember(organizationId: $o, userId: $u) { id } }', { o: organizationId, u: bob });
    expect(errorCodes(lastAdminLeaves)).toEqual(['CONFLICT']);
    // The removed admin no longer reaches the organization.
    const gone = await harness.as(userViewer(admin), 'query($id: ID!) { organization(id: $id) { id } }', { id: organizationId });
    expect(gone.body.data.organization).toBeNull();
  });

  it('invitations can be declined or cancelled', async () => {
    await harness.as(userViewer(bob), 'mutation($o: ID!) { inviteOrganizationMember(organizationId: $o, handle: "org_carol", role: RECRUITER) { role } }', { o: organizationId });
    const declined = await harness.as(userViewer(carol), 'mutation($o: ID!) { declineOrganizationInvitation(organizationId: $o) }', { o: organizationId });
    expect(declined.body.data.declineOrganizationInvitation).toBe(true);
    await harness.as(userViewer(bob), 'mutation($o: ID!) { inviteOrganizationMember(organizationId: $o, handle: "org_carol", role: RECRUITER) { role } }', { o: organizationId });
    const cancelled = await harness.as(userViewer(bob), 'mutation($o: ID!, $u: ID!) { removeOrganizationMember(organizationId: $o, userId: $u) { invitations { role } } }', { o: organizationId, u: carol });
    expect(cancelled.body.data.removeOrganizationMember.invitations).toEqual([]);
    const accept = await harness.as(userViewer(carol), 'mutation($o: ID!) { acceptOrganizationInvitation(organizationId: $o) { role } }', { o: organizationId });
    expect(errorCodes(accept)).toEqual(['NOT_FOUND']);
  });
});
