// What each subgraph's resolvers receive as parents and return, for the
// resolver types scripts/codegen.mjs generates: the GraphQL type on the left,
// the document or view the code really passes on the right (paths from
// subgraphs/<name>/src/generated/). A type not listed is returned in its GraphQL shape.
const userRef = '../resolverParents#UserRef';
const dateTime = { input: 'Date', output: 'Date | string' };

module.exports = {
  resolverMappers: {
    identity: {
      contextType: '../identityServices#IdentityContext',
      scalars: { DateTime: dateTime },
      mappers: {
        User: '../models/userModel#UserDoc',
        Organization: '../organizations/organizationModel#OrganizationDoc',
        OrganizationMember: '../organizations/organizationModel#OrganizationMemberDoc',
        OrganizationInvitation: '../organizations/organizationModel#OrganizationInvitationView',
        ApiKey: '../apiKeys/apiKeyModel#ApiKeyDoc',
        TrustedDocuments: '../trustedDocuments/trustedDocumentResolvers#TrustedDocumentsView',
      },
    },
    hiring: {
      contextType: '../hiringServices#HiringContext',
      scalars: { DateTime: dateTime },
      mappers: {
        User: userRef,
        HiringProfile: '../models/hiringProfileModel#HiringProfileDoc',
        Job: '../models/jobModel#JobDoc',
        Application: '../models/applicationModel#ApplicationDoc',
        JobActivity: '../models/jobActivityModel#JobActivityDoc',
        CandidateCard: '../search/candidateCard#CandidateCard as CandidateCardView',
      },
    },
    consent: {
      contextType: '../consentServices#ConsentContext',
      scalars: { DateTime: dateTime, JSONObject: 'Record<string, unknown>' },
      mappers: {
        User: userRef,
        DataAccess: '../models/dataAccessModel#DataAccessDoc',
        ConsentRecord: '../resolvers/consentRecordResolvers#ConsentRecord as ConsentRecordView',
      },
    },
    calls: {
      contextType: '../callsServices#CallsContext',
      scalars: { DateTime: dateTime },
      mappers: {
        User: userRef,
        Call: '../lifecycle/callChanges#CallView',
        CallPrivacy: '../policy/callPolicy#CalleeRules',
      },
    },
  },
};
