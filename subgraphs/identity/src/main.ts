import { runMain } from '@profile-graph/kit';
import { createIdentity } from './createIdentity';
import { loadIdentityConfig } from './identityConfig';

runMain('identity', async () => {
  const config = loadIdentityConfig();
  const service = await createIdentity(config);
  const { url } = await service.listen(config.PORT);
  service.logger.info({ url }, 'identity subgraph listening');
  return service;
});
