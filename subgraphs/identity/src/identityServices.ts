import type { OutboxRelay } from '@profile-graph/kit';
import type { UserModel } from './models/userModel';
import type { PasswordHasher } from './passwords/passwordHasher';

export interface IdentityServices {
  users: UserModel;
  passwords: PasswordHasher;
  relay: OutboxRelay;
  signSession: (claims: { userId: string; sessionId: string }) => Promise<{ token: string; expiresAt: Date }>;
}
