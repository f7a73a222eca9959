import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';
import type { SealedValue } from '../crypto/sealedBox';
import type { VerificationStatus, BiometricDestructionReason } from '../generated/enums';

/** From the SDL (npm run codegen). */
export type { VerificationStatus, BiometricDestructionReason };


export interface VerificationDoc {
  status: VerificationStatus;
  method?: string | null;
  /** When the user last verified successfully; kept when a later attempt is rejected. */
  verifiedAt?: Date | null;
  updatedAt: Date;
}

/** The one biometric template a user may have: encrypted, never returned, destroyed on schedule. */
export interface BiometricDoc {
  enrollmentId: string;
  template: SealedValue;
  enrolledAt: Date;
  lastInteractionAt: Date;
  retentionUntil: Date;
  /** The BIOMETRIC_VERIFICATION consent version it was collected under: only a later withdrawal destroys it. */
  consentVersion: number;
}

/** What was destroyed, when and why; kept for the owner (no biometric data in it). */
export interface BiometricDestructionDoc {
  id: string;
  what: string;
  enrollmentId: string;
  enrolledAt: Date;
  destroyedAt: Date;
  reason: BiometricDestructionReason;
}

export interface UserDoc {
  _id: string;
  handle: string;
  /** Lower-cased handle: a unique index here makes handles unique case-insensitively (no collations on FerretDB). */
  handleLower: string;
  displayName: string;
  avatarUrl?: string | null;
  email?: string | null;
  /** Lower-cased email: unique (sparse) when present. */
  emailLower?: string | null;
  emailVerified?: boolean;
  /** AES-256-GCM ciphertext of the E.164 number (context `phone:<id>`); never returned. */
  phone?: SealedValue | null;
  /** HMAC-SHA-256(lookup key, SHA-256(e164)); see PhoneVault. */
  phoneLookupHash?: string | null;
  premiumSince?: Date | null;
  premiumUntil?: Date | null;
  verification?: VerificationDoc | null;
  biometric?: BiometricDoc | null;
  biometricDestructions?: BiometricDestructionDoc[];
  /** Highest BIOMETRIC_VERIFICATION withdrawal seen: a template collected under an older grant cannot be stored after it. */
  biometricConsentWithdrawnVersion?: number | null;
  /**
   * Orders changes of the public profile (handle, display name, avatar): 1 at sign-up, +1 per `updateProfile`,
   * carried in their events, so a projection elsewhere never lets an older change overwrite a newer one.
   * Missing on accounts from before it existed: read as 1.
   */
  profileVersion?: number;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

const sealedSchema = new Schema<SealedValue>(
  { keyId: { type: String, required: true }, iv: { type: String, required: true }, ciphertext: { type: String, required: true }, tag: { type: String, required: true } },
  { _id: false },
);

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, default: () => randomUUID() },
    handle: { type: String, required: true },
    handleLower: { type: String, required: true, unique: true },
    displayName: { type: String, required: true },
    avatarUrl: { type: String, default: undefined },
    email: { type: String, default: undefined },
    emailLower: { type: String, default: undefined, unique: true, sparse: true },
    emailVerified: { type: Boolean, default: undefined },
    // No plaintext `phoneNumber` path: writes of one are dropped by the schema (strict), and old ones are migrated at startup.
    phone: { type: sealedSchema, default: undefined },
    phoneLookupHash: { type: String, default: undefined, index: true, sparse: true },
    premiumSince: { type: Date, default: undefined },
    premiumUntil: { type: Date, default: undefined },
    verification: {
      type: new Schema<VerificationDoc>(
        { status: { type: String, required: true }, method: String, verifiedAt: Date, updatedAt: { type: Date, required: true } },
        { _id: false },
      ),
      default: undefined,
    },
    biometric: {
      type: new Schema<BiometricDoc>(
        {
          enrollmentId: { type: String, required: true },
          template: { type: sealedSchema, required: true },
          enrolledAt: { type: Date, required: true },
          lastInteractionAt: { type: Date, required: true },
          retentionUntil: { type: Date, required: true },
          consentVersion: { type: Number, required: true },
        },
        { _id: false },
      ),
      default: undefined,
    },
    biometricDestructions: { type: [Object], default: undefined },
    biometricConsentWithdrawnVersion: { type: Number, default: undefined },
    profileVersion: { type: Number, default: undefined },
    passwordHash: { type: String, required: true, select: false },
    ...outboxSchemaFields,
  },
  { collection: 'users', timestamps: true, versionKey: false },
);
userSchema.index({ 'biometric.retentionUntil': 1 }, { sparse: true });

export type UserModel = Model<UserDoc>;

export function userModel(db: Connection): UserModel {
  return db.model<UserDoc>('User', userSchema);
}

/** Premium is active from `premiumSince` until `premiumUntil` (open-ended when absent). */
export function isPremium(user: Pick<UserDoc, 'premiumSince' | 'premiumUntil'>, now: Date): boolean {
  if (!user.premiumSince || user.premiumSince.getTime() > now.getTime()) return false;
  return !user.premiumUntil || user.premiumUntil.getTime() > now.getTime();
}
