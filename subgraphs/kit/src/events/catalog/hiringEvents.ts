import { z } from 'zod';
import { defineEvent, id } from './defineEvent';

/** hiring.v1.>: published by hiring only, on the HIRING stream (no subgraph consumes them today). */
const profileChange = z.looseObject({ userId: id(), fields: z.array(z.string()) });
const application = z.looseObject({ applicationId: id(), jobId: id(), organizationId: id(), candidateId: id() });

export const hiringEvents = {
  profileCreated: defineEvent({ subject: 'hiring.v1.profile.created', schema: profileChange }),
  profileUpdated: defineEvent({ subject: 'hiring.v1.profile.updated', schema: profileChange }),
  jobPosted: defineEvent({ subject: 'hiring.v1.job.posted', schema: z.looseObject({ jobId: id(), organizationId: id(), title: z.string(), skills: z.array(z.string()) }) }),
  jobUpdated: defineEvent({ subject: 'hiring.v1.job.updated', schema: z.looseObject({ jobId: id(), organizationId: id(), fields: z.array(z.string()) }) }),
  applicationSubmitted: defineEvent({
    subject: 'hiring.v1.application.submitted',
    schema: application.extend({ employerSharingConsentVersion: z.number().int().nullable() }),
  }),
  applicationWithdrawn: defineEvent({ subject: 'hiring.v1.application.withdrawn', schema: application }),
} as const;
