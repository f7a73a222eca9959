import {
  createSessionSigner,
  createSubgraphService,
  daysToMs,
  ensureRevocationBucket,
  erasureGuard,
  type SubgraphDefinition,
  type SubgraphService,
} from '@profile-graph/kit';
import { identitySecrets, type IdentityConfig } from './identityConfig';
import { IdentitySnapshotResponder } from './snapshots/identitySnapshotResponder';
import type { IdentityServices } from './identityServices';
import { userModel } from './models/userModel';
import { createPasswordHasher } from './passwords/passwordHasher';
import { authResolvers } from './resolvers/authResolvers';
import { profileResolvers } from './resolvers/profileResolvers';
import { userResolvers } from './resolvers/userResolvers';
import { apiKeyModel } from './apiKeys/apiKeyModel';
import { apiKeyResolvers } from './apiKeys/apiKeyResolvers';
import { ApiKeyResponder } from './apiKeys/apiKeyResponder';
import { BiometricRetentionSweep } from './biometrics/biometricRetentionSweep';
import { destroyBiometricsOnWithdrawal } from './biometrics/destroyBiometricsOnWithdrawal';
import { contactDiscoveryResolvers } from './contacts/contactDiscoveryResolvers';
import { TokenBucket } from './contacts/tokenBucket';
import { SealedBox } from './crypto/sealedBox';
import { organizationModel } from './organizations/organizationModel';
import { organizationResolvers } from './organizations/organizationResolvers';
import { migratePlaintextPhones } from './phones/migratePlaintextPhones';
import { PhoneVault } from './phones/phoneVault';
import { sessionModel } from './sessions/sessionModel';
import { sessionResolvers } from './sessions/sessionResolvers';
import { createSessionService } from './sessions/sessionService';
import { SignInThrottle } from './sessions/signInThrottle';
import { eraseIdentityData, userDeletedEvent } from './privacy/eraseIdentityData';
import { recordRevocations } from './revocations/recordRevocations';
import { createRevocationWriter } from './revocations/revocationWriter';
import { exportIdentityData } from './privacy/exportIdentityData';
import { trustedDocumentManifestModel } from './trustedDocuments/trustedDocumentManifestModel';
import { trustedDocumentResolvers } from './trustedDocuments/trustedDocumentResolvers';
import { TrustedDocumentResponder } from './trustedDocuments/trustedDocumentResponder';
import { DevelopmentStandInVerificationProvider } from './verification/developmentStandInVerificationProvider';
import { HttpVerificationProvider } from './verification/httpVerificationProvider';
import type { VerificationProvider } from './verification/verificationProvider';
import type { Resolvers } from './generated/resolvers';

export interface IdentityOptions {
  /** Now; tests inject one to move time (retention sweep, Premium periods). */
  clock?: () => Date;
  /** Replaces the configured provider (tests). */
  verificationProvider?: VerificationProvider;
}

export interface IdentityService extends SubgraphService<IdentityServices> {
  /** The biometric sweep, which `retention` runs on its schedule and reports (log + privacy_retention_removed_total). */
  retentionSweep: BiometricRetentionSweep;
}

function verificationProviderFor(config: IdentityConfig, kind: 'development' | 'http'): VerificationProvider {
  if (kind === 'development') {
    if (config.NODE_ENV === 'production') throw new Error('the development verification provider is a stand-in and is refused in production');
    return new DevelopmentStandInVerificationProvider();
  }
  return new HttpVerificationProvider({
    url: config.VERIFICATION_PROVIDER_URL!,
    timeoutMs: config.VERIFICATION_PROVIDER_TIMEOUT_MS,
    ...(config.VERIFICATION_PROVIDER_TOKEN ? { token: config.VERIFICATION_PROVIDER_TOKEN } : {}),
  });
}

/** The identity subgraph: users, profiles, phone numbers, ID verification and biometrics, sessions, organizations and partner API keys. Tests start it on port 0. */
export async function createIdentity(config: IdentityConfig, options: IdentityOptions = {}): Promise<IdentityService> {
  const signSession = await createSessionSigner(config.SESSION_PRIVATE_KEY, {
    ttlSeconds: config.SESSION_TTL_SECONDS,
    kid: config.SESSION_KEY_ID,
  });
  const secrets = identitySecrets(config);
  const clock = options.clock ?? (() => new Date());
  const verificationProvider = options.verificationProvider ?? verificationProviderFor(config, secrets.verificationProvider);
  const biometricPolicy = {
    retentionDays: config.BIOMETRIC_RETENTION_DAYS,
    destroyAfterVerification: config.BIOMETRIC_DESTROY_AFTER_VERIFICATION,
    sweepIntervalMs: config.BIOMETRIC_SWEEP_INTERVAL_MS,
  };
  let retentionSweep!: BiometricRetentionSweep;
  const definition: SubgraphDefinition<IdentityServices> = {
    name: 'identity',
    streams: ['IDENTITY', 'CONSENT'],
    clock,
    setup: async ({ db, relay, bus, logger, consent }) => {
      const users = relay.track(userModel(db));
      const sessions = relay.track(sessionModel(db));
      const organizations = relay.track(organizationModel(db));
      const apiKeys = relay.track(apiKeyModel(db));
      const trustedDocumentManifests = trustedDocumentManifestModel(db);
      const phones = new PhoneVault(new SealedBox(secrets.phoneKeys, secrets.phoneKeyId), secrets.phoneLookupKey);
      await migratePlaintextPhones(users, phones, logger);
      const services: IdentityServices = {
        users,
        passwords: createPasswordHasher(config.SCRYPT_LOG_N),
        relay,
        signSession,
        sessionModel: sessions,
        sessions: createSessionService({ sessions, relay, signAccess: signSession, refreshTtlSeconds: config.REFRESH_TTL_SECONDS }),
        signInThrottle: new SignInThrottle({
          freeFailuresPerHandle: config.SIGNIN_FREE_FAILURES_PER_HANDLE,
          freeFailuresPerIp: config.SIGNIN_FREE_FAILURES_PER_IP,
          maxDelaySeconds: config.SIGNIN_MAX_DELAY_SECONDS,
          windowSeconds: Math.max(config.SIGNIN_MAX_DELAY_SECONDS, 3600),
        }),
        organizations,
        apiKeys,
        trustedDocumentManifests,
        clock,
        phones,
        biometricBox: new SealedBox(secrets.biometricKeys, secrets.biometricKeyId),
        biometricPolicy,
        verificationProvider,
        consent,
        contactDiscovery: {
          maxHashes: config.CONTACT_DISCOVERY_MAX_HASHES,
          bucket: new TokenBucket(config.CONTACT_DISCOVERY_HASHES_PER_HOUR, config.CONTACT_DISCOVERY_HASHES_PER_HOUR / 3_600_000),
        },
        maxImageBytes: config.VERIFICATION_MAX_IMAGE_BYTES,
      };
      // Gateways wait for this bucket before serving: identity owns it (scripts/lib/natsPermissions.js).
      await ensureRevocationBucket(await bus.nc.jetstreamManager(), config.JETSTREAM_REPLICAS);
      // The real clock, not the injected one: access tokens expire by it, so their revocations must too.
      const revocations = createRevocationWriter({ js: bus.nc.jetstream(), accessTokenTtlMs: config.SESSION_TTL_SECONDS * 1000 });
      const responder = new ApiKeyResponder({ nc: bus.nc, apiKeys, organizations, logger });
      responder.start();
      const trustedDocuments = new TrustedDocumentResponder({ nc: bus.nc, organizations, manifests: trustedDocumentManifests, logger });
      trustedDocuments.start();
      const snapshots = new IdentitySnapshotResponder({ nc: bus.nc, users, organizations, logger });
      snapshots.start();
      retentionSweep = new BiometricRetentionSweep({ users, relay, clock, logger, intervalMs: biometricPolicy.sweepIntervalMs });
      return {
        services,
        resolvers: {
          Query: { ...userResolvers.Query, ...organizationResolvers.Query, ...contactDiscoveryResolvers.Query },
          Mutation: {
            ...authResolvers.Mutation,
            ...sessionResolvers.Mutation,
            ...organizationResolvers.Mutation,
            ...apiKeyResolvers.Mutation,
            ...trustedDocumentResolvers.Mutation,
            ...profileResolvers.Mutation,
          },
          User: userResolvers.User,
          Organization: { ...organizationResolvers.Organization, ...trustedDocumentResolvers.Organization },
          TrustedDocuments: trustedDocumentResolvers.TrustedDocuments,
          OrganizationMember: organizationResolvers.OrganizationMember,
          OrganizationInvitation: organizationResolvers.OrganizationInvitation,
          ApiKey: apiKeyResolvers.ApiKey,
        } satisfies Resolvers,
        consumers: [destroyBiometricsOnWithdrawal({ users, relay, clock, guard: erasureGuard(db) }), recordRevocations({ writer: revocations, apiKeys })],
        privacy: {
          exportData: (userId) => exportIdentityData({ db, users, sessions, organizations, apiKeys, phones, biometricRetentionDays: config.BIOMETRIC_RETENTION_DAYS }, userId),
          erasure: {
            erase: (userId) => eraseIdentityData({ users, sessions, organizations, apiKeys, relay, revocations }, userId),
            completionEvents: (userId) => [userDeletedEvent(userId)],
          },
          // The biometric sweep runs through the shared retention reporter instead of its own timer (issue 8).
          retention: {
            intervalMs: biometricPolicy.sweepIntervalMs,
            policies: [{ kind: 'biometric_templates', retentionMs: daysToMs(biometricPolicy.retentionDays), sweep: () => retentionSweep.runOnce() }],
          },
        },
        onClose: async () => {
          await retentionSweep.stop();
          await responder.stop();
          trustedDocuments.stop();
          snapshots.stop();
        },
      };
    },
  };
  const service = await createSubgraphService(definition, config);
  return Object.assign(service, { retentionSweep });
}
