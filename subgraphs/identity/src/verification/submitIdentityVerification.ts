import { randomUUID } from 'node:crypto';
import { AppError, outboxOnUpdate, identityEvents, type SubgraphContext, requireUser } from '@profile-graph/kit';
import { destroyedEvent, destructionRecord } from '../biometrics/destroyBiometric';
import { retentionUntil } from '../biometrics/biometricPolicy';
import type { IdentityServices } from '../identityServices';
import { isPremium, type BiometricDestructionDoc, type UserDoc } from '../models/userModel';
import { decodeImage } from './verificationImages';
import { VerificationProviderError } from './verificationProvider';

type Context = SubgraphContext<IdentityServices>;

const PURPOSE = 'BIOMETRIC_VERIFICATION';

/** A PENDING attempt older than this was cut short (a crash); a new attempt may take over. */
const STALE_PENDING_MS = 10 * 60_000;

/**
 * Premium ID verification. Refused, with nothing read from the images and
 * nothing stored, unless the user is Premium and holds an active
 * BIOMETRIC_VERIFICATION consent (which the consent ledger grants only with
 * a written release). The images live in memory for the provider call only;
 * the template it returns is encrypted before it is written, or, under the
 * destroy-after-verification policy, never written at all.
 */
export async function submitIdentityVerification(args: { governmentIdImage: unknown; selfieImage: unknown }, context: Context): Promise<UserDoc> {
  const userId = requireUser(context.viewer);
  const { users, consent, verificationProvider, clock, biometricBox, biometricPolicy, relay, maxImageBytes } = context.services;
  const user = await users.findById(userId).lean();
  if (!user) throw new AppError('NOT_FOUND', 'Your account no longer exists.');
  if (!isPremium(user, clock())) {
    throw new AppError('FORBIDDEN', 'ID verification is for Premium members; your account has no active Premium subscription. Nothing was stored.', { reason: 'PREMIUM_REQUIRED' });
  }
  if (!consent.isAvailable()) {
    throw new AppError('CONSENT_UNAVAILABLE', `Consent for ${PURPOSE} cannot be verified right now; try again shortly. Nothing was stored.`, { purpose: PURPOSE });
  }
  const grant = consent.states.get(userId, PURPOSE);
  if (!grant || grant.status !== 'GRANTED') {
    throw new AppError(
      'CONSENT_REQUIRED',
      `ID verification collects biometric data: first grant ${PURPOSE} with a signed written release (grantConsent with input.writtenRelease), then try again. Nothing was stored.`,
      { purpose: PURPOSE },
    );
  }
  const governmentIdImage = decodeImage(args.governmentIdImage, 'governmentIdImage', maxImageBytes);
  const selfieImage = decodeImage(args.selfieImage, 'selfieImage', maxImageBytes);

  const started = clock();
  const previous = user.verification ?? null;
  const claimed = await users.updateOne(
    { _id: userId, $or: [{ 'verification.status': { $ne: 'PENDING' } }, { 'verification.updatedAt': { $lt: new Date(started.getTime() - STALE_PENDING_MS) } }] },
    { $set: { 'verification.status': 'PENDING', 'verification.updatedAt': started } },
  );
  if (claimed.modifiedCount !== 1) {
    governmentIdImage.fill(0);
    selfieImage.fill(0);
    throw new AppError('CONFLICT', 'A verification of yours is already in progress; wait for its result.');
  }
  const restore = () =>
    users.updateOne({ _id: userId, 'verification.status': 'PENDING' }, previous ? { $set: { verification: previous } } : { $unset: { verification: 1 } });

  let outcome;
  try {
    outcome = await verificationProvider.verify({ governmentIdImage, selfieImage, reference: randomUUID() });
  } catch (error) {
    await restore();
    if (error instanceof VerificationProviderError) {
      context.log.warn({ err: error }, 'verification provider failed');
      throw new AppError('SERVICE_UNAVAILABLE', 'The verification provider is unavailable; nothing was stored. Try again later.');
    }
    throw error;
  } finally {
    // Raw images are never stored; do not keep them in memory either.
    governmentIdImage.fill(0);
    selfieImage.fill(0);
  }

  const now = clock();
  const template = outcome.biometricTemplate;
  const current = (await users.findById(userId).select({ 'biometric.enrollmentId': 1, 'biometric.enrolledAt': 1 }).lean())?.biometric ?? null;
  const verification = {
    status: outcome.status,
    method: verificationProvider.method,
    verifiedAt: outcome.status === 'VERIFIED' ? now : (previous?.verifiedAt ?? null),
    updatedAt: now,
  };
  const set: Record<string, unknown> = { verification };
  const unset: Record<string, 1> = {};
  const destructions: BiometricDestructionDoc[] = [];
  if (outcome.status === 'VERIFIED' && template) {
    const enrollment = { enrollmentId: randomUUID(), enrolledAt: now };
    if (current) destructions.push(destructionRecord(current, biometricPolicy.destroyAfterVerification ? 'PURPOSE_SATISFIED' : 'REPLACED_BY_NEW_ENROLLMENT', now));
    if (biometricPolicy.destroyAfterVerification) {
      // Made, used for this verification, destroyed: the record says so, the database never saw it.
      destructions.push(destructionRecord(enrollment, 'PURPOSE_SATISFIED', now));
      if (current) unset.biometric = 1;
    } else {
      set.biometric = {
        ...enrollment,
        template: biometricBox.seal(template, `biometric:${userId}`),
        lastInteractionAt: now,
        retentionUntil: retentionUntil(biometricPolicy, now),
        consentVersion: grant.version,
      };
    }
  }
  template?.fill(0);

  const events = [
    identityEvents.verificationCompleted.create({ userId, status: outcome.status, method: verificationProvider.method, reason: outcome.reason, completedAt: now.toISOString() }, userId),
    ...destructions.map((record) => destroyedEvent(userId, record)),
  ];
  const update = outboxOnUpdate(events, {
    $set: set,
    ...(Object.keys(unset).length ? { $unset: unset } : {}),
    ...(destructions.length ? { $push: { biometricDestructions: { $each: destructions } } } : {}),
  });
  const written = await users.updateOne(
    {
      _id: userId,
      'verification.status': 'PENDING',
      'verification.updatedAt': started,
      // A withdrawal that arrived meanwhile wins: nothing collected under the older grant is stored.
      $or: [{ biometricConsentWithdrawnVersion: { $exists: false } }, { biometricConsentWithdrawnVersion: { $lt: grant.version } }],
      ...(current ? { 'biometric.enrollmentId': current.enrollmentId } : { 'biometric.enrollmentId': { $exists: false } }),
    },
    update,
  );
  if (written.modifiedCount !== 1) {
    await restore();
    const withdrawn = !consent.isGranted(userId, PURPOSE) || ((await users.findById(userId).select({ biometricConsentWithdrawnVersion: 1 }).lean())?.biometricConsentWithdrawnVersion ?? 0) >= grant.version;
    if (withdrawn) throw new AppError('CONSENT_REQUIRED', `${PURPOSE} consent was withdrawn during verification; nothing was stored.`, { purpose: PURPOSE });
    throw new AppError('CONFLICT', 'Your biometric data changed during verification; nothing was stored. Try again.');
  }
  relay.kick();
  const updated = await users.findById(userId).lean();
  if (!updated) throw new AppError('NOT_FOUND', 'Your account no longer exists.');
  return updated;
}
