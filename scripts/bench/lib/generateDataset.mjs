// The bench dataset, deterministic for a given size. Documents have the shapes
// the subgraphs themselves write (see each subgraph's models/), so the code
// under test reads what it would read in production.
import { createRandom } from './createRandom.mjs';

export const POLICY_VERSION = '2026-11';

/** Share of users who ever granted each purpose; a tenth of them withdrew later. A mix, not everyone-consents. */
export const CONSENT_MIX = {
  EMPLOYER_SHARING: 0.6,
  CANDIDATE_DISCOVERY: 0.5,
  HIRING_RECOMMENDATIONS: 0.4,
  CONTACT_DISCOVERY: 0.3,
  AD_PERSONALIZATION: 0.2,
  MODEL_TRAINING: 0.1,
  BIOMETRIC_VERIFICATION: 0.05,
};
const WITHDRAWN_SHARE = 0.1;

const FIRST = ['Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Barbara', 'Edsger', 'Frances', 'Donald', 'Margaret', 'Ken', 'Radia', 'Tim', 'Hedy', 'Dennis'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Liskov', 'Dijkstra', 'Allen', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Lamarr', 'Ritchie'];
const SKILLS = ['typescript', 'go', 'rust', 'python', 'java', 'kotlin', 'swift', 'sql', 'graphql', 'react', 'node.js', 'kubernetes', 'terraform', 'aws', 'gcp', 'mongodb', 'postgres', 'kafka', 'nats', 'machine learning', 'statistics', 'product management', 'ux research', 'figma', 'accessibility', 'security', 'cryptography', 'networking', 'linux', 'c', 'c++', 'embedded', 'data engineering', 'spark', 'airflow', 'leadership', 'mentoring', 'technical writing', 'testing', 'ci/cd'];
const EMPLOYERS = ['Initech', 'Globex', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Acme', 'Vandelay', 'Soylent', 'Cyberdyne', 'Tyrell', 'Wonka'];
const TITLES = ['Software Engineer', 'Senior Engineer', 'Staff Engineer', 'Engineering Manager', 'Data Scientist', 'Product Manager', 'Designer', 'SRE'];
const SCHOOLS = ['State University', 'Institute of Technology', 'City College', 'Open University', 'Polytechnic'];
const DEGREES = ['BSc Computer Science', 'MSc Data Science', 'BA Design', 'PhD Mathematics', null];

const month = (year, m) => `${year}-${String(m).padStart(2, '0')}`;

/**
 * @param {{ users: number, calls: number, seed?: number, now?: Date }} size
 */
export function generateDataset({ users: userCount, calls: callCount, seed = 20261, now = new Date() }) {
  const rnd = createRandom(seed);
  const users = [];
  const profiles = [];
  const consentStates = [];
  for (let i = 0; i < userCount; i += 1) {
    const id = rnd.uuid();
    const handle = `bench_${String(i).padStart(6, '0')}`;
    const createdAt = new Date(now.getTime() - rnd.int(30, 900) * 86_400_000);
    users.push({
      _id: id,
      handle,
      handleLower: handle,
      displayName: `${rnd.pick(FIRST)} ${rnd.pick(LAST)}`,
      ...(rnd.chance(0.5) ? { phoneNumber: `+1555${String(rnd.int(0, 9_999_999)).padStart(7, '0')}` } : {}),
      // Never a valid scrypt hash: bench users get tokens minted, they never sign in.
      passwordHash: 'scrypt$bench$not-a-password',
      createdAt,
      updatedAt: createdAt,
    });
    profiles.push(profileFor(rnd, id, createdAt));
    for (const [purpose, share] of Object.entries(CONSENT_MIX)) {
      if (rnd.chance(share)) consentStates.push(consentStateFor(rnd, id, purpose, createdAt, now));
    }
  }
  const calls = [];
  const callChanges = [];
  for (let i = 0; i < callCount; i += 1) {
    // A skew towards the first users, so some screens show full call lists and others few.
    const caller = users[Math.floor(Math.pow(rnd.next(), 1.6) * userCount)];
    let callee = users[rnd.int(0, userCount - 1)];
    if (callee === caller) callee = users[(users.indexOf(caller) + 1) % userCount];
    const { call, changes } = callFor(rnd, caller._id, callee._id, now);
    calls.push(call);
    callChanges.push(...changes);
  }
  const jobs = Array.from({ length: Math.max(20, Math.min(2_000, Math.round(userCount / 10))) }, () => jobFor(rnd, users[rnd.int(0, userCount - 1)]._id, now));
  return { users, profiles, consentStates, calls, callChanges, jobs };
}

/** An open job as postJob writes it (S3 scores them against profiles): a tenth of the users' count, 20 to 2,000. */
function jobFor(rnd, postedBy, now) {
  const title = rnd.pick(TITLES);
  const location = rnd.chance(0.5) ? rnd.pick(['Berlin', 'London', 'New York', 'Toronto', 'Lisbon']) : null;
  const at = new Date(now.getTime() - rnd.int(1, 60) * 86_400_000);
  const employer = rnd.pick(EMPLOYERS);
  return {
    _id: rnd.uuid(),
    organizationId: `bench-org-${employer.toLowerCase().replace(/\W+/g, '-')}`,
    organizationName: employer,
    title,
    titleLower: title.toLowerCase(),
    description: `${title} at ${employer}.`,
    location,
    locationLower: location?.toLowerCase() ?? null,
    remote: rnd.chance(0.4),
    skills: [...new Set(Array.from({ length: rnd.int(2, 6) }, () => rnd.pick(SKILLS)))],
    seniority: rnd.pick(['JUNIOR', 'MID', 'SENIOR', 'LEAD', null]),
    status: 'OPEN',
    postedBy: { kind: 'user', id: postedBy },
    createdAt: at,
    updatedAt: at,
  };
}

function profileFor(rnd, id, createdAt) {
  const skills = [...new Set(Array.from({ length: rnd.int(3, 8) }, () => rnd.pick(SKILLS)))];
  let year = 2025;
  const employmentHistory = Array.from({ length: rnd.int(1, 4) }, (_, k) => {
    const to = k === 0 ? null : month(year, rnd.int(1, 12));
    year -= rnd.int(1, 4);
    return { employer: rnd.pick(EMPLOYERS), title: rnd.pick(TITLES), from: month(year, rnd.int(1, 12)), to };
  });
  const educationHistory = Array.from({ length: rnd.int(0, 2) }, () => {
    year -= rnd.int(2, 4);
    return { institution: rnd.pick(SCHOOLS), degree: rnd.pick(DEGREES), from: month(year - 3, 9), to: month(year, 6) };
  });
  return {
    _id: id,
    headline: `${rnd.pick(TITLES)} at ${employmentHistory[0].employer}`,
    skills,
    employmentHistory,
    ...(educationHistory.length ? { educationHistory } : {}),
    createdAt,
    updatedAt: createdAt,
  };
}

function consentStateFor(rnd, userId, purpose, createdAt, now) {
  const grantedAt = new Date(createdAt.getTime() + rnd.int(0, Math.max(1, now.getTime() - createdAt.getTime() - 86_400_000)));
  const written = purpose === 'BIOMETRIC_VERIFICATION';
  const ledger = [
    {
      version: 1,
      status: 'GRANTED',
      policyVersion: POLICY_VERSION,
      method: written ? 'WRITTEN_RELEASE' : 'EXPLICIT_OPT_IN',
      writtenRelease: written ? { signerName: 'Bench User', signedAt: grantedAt } : null,
      origin: null,
      jurisdiction: rnd.chance(0.3) ? 'DE' : 'US',
      receiptId: rnd.uuid(),
      recordedAt: grantedAt,
    },
  ];
  if (rnd.chance(WITHDRAWN_SHARE)) {
    const withdrawnAt = new Date(grantedAt.getTime() + 3_600_000);
    ledger.push({ version: 2, status: 'WITHDRAWN', policyVersion: null, method: 'WITHDRAWAL', writtenRelease: null, origin: null, jurisdiction: null, receiptId: null, recordedAt: withdrawnAt });
  }
  const last = ledger[ledger.length - 1];
  return {
    _id: `${userId}:${purpose}`,
    userId,
    purpose,
    status: last.status,
    policyVersion: last.policyVersion,
    version: last.version,
    updatedAt: last.recordedAt,
    ledger,
  };
}

function callFor(rnd, callerId, calleeId, now) {
  const id = rnd.uuid();
  const startedAt = new Date(now.getTime() - rnd.int(60, 90 * 86_400) * 1000);
  const encrypted = rnd.chance(0.3);
  const call = {
    _id: id,
    callerId,
    calleeId,
    participantIds: [callerId, calleeId],
    kind: rnd.chance(0.7) ? 'AUDIO' : 'VIDEO',
    startedAt,
    ringingUntil: new Date(startedAt.getTime() + 45_000),
    encrypted,
    phase: 'CLOSED',
  };
  const at = (seconds) => new Date(startedAt.getTime() + seconds * 1000);
  const roll = rnd.next();
  // How calls end in the current code: an insert-only change log (see calls' callChangeModel).
  const changes =
    roll < 0.8
      ? [
          { seq: 1, at: at(rnd.int(2, 20)), by: calleeId, status: 'ACTIVE' },
          { seq: 2, at: at(rnd.int(30, 3600)), by: rnd.chance(0.5) ? callerId : calleeId, status: 'ENDED' },
        ]
      : roll < 0.92
        ? [{ seq: 1, at: at(45), by: null, status: 'MISSED' }]
        : [{ seq: 1, at: at(rnd.int(2, 20)), by: calleeId, status: 'DECLINED' }];
  return { call, changes: changes.map((change) => ({ _id: `${id}:${String(change.seq).padStart(6, '0')}`, callId: id, ...change })) };
}
