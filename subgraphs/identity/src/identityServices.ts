import type { ConsentProjection, OutboxRelay, SubgraphContext } from '@profile-graph/kit';
import type { ApiKeyModel } from './apiKeys/apiKeyModel';
import type { BiometricPolicy } from './biometrics/biometricPolicy';
import type { TokenBucket } from './contacts/tokenBucket';
import type { SealedBox } from './crypto/sealedBox';
import type { UserModel } from './models/userModel';
import type { OrganizationModel } from './organizations/organizationModel';
import type { PasswordHasher } from './passwords/passwordHasher';
import type { PhoneVault } from './phones/phoneVault';
import type { SessionModel } from './sessions/sessionModel';
import type { SessionService } from './sessions/sessionService';
import type { SignInThrottle } from './sessions/signInThrottle';
import type { TrustedDocumentManifestModel } from './trustedDocuments/trustedDocumentManifestModel';
import type { VerificationProvider } from './verification/verificationProvider';

export interface IdentityServices {
  users: UserModel;
  passwords: PasswordHasher;
  relay: OutboxRelay;
  signSession: (claims: { userId: string; sessionId: string }) => Promise<{ token: string; expiresAt: Date }>;
  sessionModel: SessionModel;
  sessions: SessionService;
  signInThrottle: SignInThrottle;
  organizations: OrganizationModel;
  apiKeys: ApiKeyModel;
  /** Versions of organizations' trusted documents (what their partner keys may run). */
  trustedDocumentManifests: TrustedDocumentManifestModel;
  /** Now; injectable so tests can move time (retention sweep, Premium periods). */
  clock: () => Date;
  phones: PhoneVault;
  /** Seals biometric templates (separate keys from phone numbers). */
  biometricBox: SealedBox;
  biometricPolicy: BiometricPolicy;
  verificationProvider: VerificationProvider;
  /** This instance's consent projection (BIOMETRIC_VERIFICATION checks before collection). */
  consent: ConsentProjection;
  contactDiscovery: { maxHashes: number; bucket: TokenBucket };
  maxImageBytes: number;
}

/** What every resolver of this subgraph receives as its context. */
export type IdentityContext = SubgraphContext<IdentityServices>;
