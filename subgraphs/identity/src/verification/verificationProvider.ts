/** What a provider receives: raw images, in memory only, and an opaque reference (never the user id). */
export interface VerificationRequest {
  governmentIdImage: Buffer;
  selfieImage: Buffer;
  /** Opaque per-attempt reference, to correlate the provider's logs with ours. */
  reference: string;
}

/** What a provider returns: the document check and face match outcome, and the biometric template it made. */
export interface VerificationOutcome {
  status: 'VERIFIED' | 'REJECTED';
  /** Short machine-readable reason for a rejection, e.g. DOCUMENT_UNREADABLE, FACE_MISMATCH. */
  reason: string | null;
  documentCheck: { passed: boolean; documentType: string | null };
  faceMatch: { passed: boolean; score: number | null };
  /** The face template (opaque bytes); encrypted at once, never returned. Null when none was made. */
  biometricTemplate: Buffer | null;
}

/** Thrown when the provider cannot be reached or answers outside the contract; nothing is stored then. */
export class VerificationProviderError extends Error {
  override readonly name = 'VerificationProviderError';
}

/**
 * A verification provider: document check and face match in, result and
 * biometric template out. `method` is what `User.verification.method` shows.
 */
export interface VerificationProvider {
  readonly method: string;
  verify(request: VerificationRequest): Promise<VerificationOutcome>;
}
