import { subgraphConfigSchema } from '../config/subgraphConfigSchema';
import { createSubgraphService } from '../service/createSubgraphService';
import { assertEnforcementAllowed } from './enforcementSwitch';
import { createUserNkey } from '../../../../scripts/lib/nkeys';

describe('the consent enforcement switch', () => {
  it('is refused under NODE_ENV=production and allowed elsewhere', () => {
    expect(() => assertEnforcementAllowed('disabled-for-benchmark', 'production')).toThrow(/CONSENT_ENFORCEMENT=disabled-for-benchmark .* refused when NODE_ENV=production/);
    expect(() => assertEnforcementAllowed('on', 'production')).not.toThrow();
    expect(() => assertEnforcementAllowed('disabled-for-benchmark', 'test')).not.toThrow();
  });

  it('stops a production subgraph before it connects to anything', async () => {
    const config = subgraphConfigSchema.parse({
      NODE_ENV: 'production',
      CONSENT_ENFORCEMENT: 'disabled-for-benchmark',
      VIEWER_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n',
      NATS_NKEY_SEED: createUserNkey().seed,
      // Unreachable on purpose: the refusal must come first, not a connection timeout.
      MONGODB_URI: 'mongodb://127.0.0.1:1',
      NATS_URL: 'nats://127.0.0.1:1',
    });
    const setup = jest.fn();
    await expect(createSubgraphService({ name: 'probe', streams: [], setup }, config)).rejects.toThrow(/refused when NODE_ENV=production/);
    expect(setup).not.toHaveBeenCalled();
  });
});
