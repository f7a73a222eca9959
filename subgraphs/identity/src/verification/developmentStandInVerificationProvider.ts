import { createHash } from 'node:crypto';
import { imageTypeOf } from './verificationImages';
import type { VerificationOutcome, VerificationProvider, VerificationRequest } from './verificationProvider';

/**
 * A STAND-IN for development and tests. It is NOT a face matcher and NOT a
 * document checker: it only checks that both inputs are images and that
 * they are not the same file, and makes a "template" by hashing the selfie.
 * It exists so the flow (consent, Premium, encryption, destruction) can run
 * without a vendor. Configuration refuses it when NODE_ENV=production.
 */
export class DevelopmentStandInVerificationProvider implements VerificationProvider {
  readonly method = 'DEVELOPMENT_STAND_IN';

  async verify(request: VerificationRequest): Promise<VerificationOutcome> {
    const documentType = imageTypeOf(request.governmentIdImage);
    const selfieType = imageTypeOf(request.selfieImage);
    const same = request.governmentIdImage.equals(request.selfieImage);
    const passed = Boolean(documentType && selfieType) && !same;
    return {
      status: passed ? 'VERIFIED' : 'REJECTED',
      reason: passed ? null : same ? 'SAME_IMAGE_TWICE' : 'NOT_AN_IMAGE',
      documentCheck: { passed: Boolean(documentType), documentType: documentType ? 'UNCHECKED_IMAGE' : null },
      faceMatch: { passed, score: null },
      // Derived from the selfie, so it is handled exactly like a real template (encrypted, destroyed on schedule).
      biometricTemplate: passed ? createHash('sha512').update('dev-stand-in-template').update(request.selfieImage).digest() : null,
    };
  }
}
