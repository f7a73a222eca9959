import { z } from 'zod';
import { VerificationProviderError, type VerificationOutcome, type VerificationProvider, type VerificationRequest } from './verificationProvider';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_TEMPLATE_BYTES = 64 * 1024;

/** The provider's answer, as VERIFICATION_PROVIDER.md documents it. */
const responseSchema = z.object({
  status: z.enum(['VERIFIED', 'REJECTED']),
  reason: z.string().max(200).nullable().optional(),
  documentCheck: z.object({ passed: z.boolean(), documentType: z.string().max(100).nullable().optional() }),
  faceMatch: z.object({ passed: z.boolean(), score: z.number().min(0).max(1).nullable().optional() }),
  biometricTemplate: z.string().max(Math.ceil((MAX_TEMPLATE_BYTES * 4) / 3) + 4).regex(BASE64).nullable().optional(),
});

export interface HttpVerificationProviderOptions {
  url: string;
  token?: string;
  timeoutMs: number;
}

/**
 * The HTTP adapter: POST <url>/v1/verifications with both images (base64),
 * answer per subgraphs/identity/VERIFICATION_PROVIDER.md. Anything else (a
 * timeout, a non-200, a body outside the contract) is a provider error, and
 * the caller stores nothing.
 */
export class HttpVerificationProvider implements VerificationProvider {
  readonly method = 'GOVERNMENT_ID_AND_SELFIE';

  constructor(private readonly options: HttpVerificationProviderOptions) {}

  async verify(request: VerificationRequest): Promise<VerificationOutcome> {
    const endpoint = new URL('v1/verifications', this.options.url.endsWith('/') ? this.options.url : `${this.options.url}/`);
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: JSON.stringify({
          reference: request.reference,
          governmentIdImage: request.governmentIdImage.toString('base64'),
          selfieImage: request.selfieImage.toString('base64'),
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'error',
      });
    } catch (cause) {
      throw new VerificationProviderError(`verification provider unreachable: ${(cause as Error).name}`, { cause });
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new VerificationProviderError(`verification provider answered HTTP ${response.status}`);
    }
    let parsed: z.infer<typeof responseSchema>;
    try {
      parsed = responseSchema.parse(await response.json());
    } catch (cause) {
      throw new VerificationProviderError('verification provider answered outside the contract', { cause });
    }
    const template = parsed.biometricTemplate ? Buffer.from(parsed.biometricTemplate, 'base64') : null;
    if (template && template.length > MAX_TEMPLATE_BYTES) throw new VerificationProviderError('biometric template too large');
    return {
      status: parsed.status,
      reason: parsed.reason ?? null,
      documentCheck: { passed: parsed.documentCheck.passed, documentType: parsed.documentCheck.documentType ?? null },
      faceMatch: { passed: parsed.faceMatch.passed, score: parsed.faceMatch.score ?? null },
      biometricTemplate: template && template.length > 0 ? template : null,
    };
  }
}
