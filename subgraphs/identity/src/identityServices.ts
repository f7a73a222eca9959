import type { OutboxRelay } from '@profile-graph/kit';
import type { ApiKeyModel } from './apiKeys/apiKeyModel';
import type { UserModel } from './models/userModel';
import type { OrganizationModel } from './organizations/organizationModel';
import type { PasswordHasher } from './passwords/passwordHasher';
import type { SessionModel } from './sessions/sessionModel';
import type { SessionService } from './sessions/sessionService';
import type { SignInThrottle } from './sessions/signInThrottle';

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
}
