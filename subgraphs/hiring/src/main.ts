import { runMain } from '@profile-graph/kit';
import { createHiring } from './createHiring';
import { loadHiringConfig } from './hiringConfig';

runMain('hiring', async () => {
  const config = loadHiringConfig();
  const service = await createHiring(config);
  const { url } = await service.listen(config.PORT);
  service.logger.info({ url }, 'hiring subgraph listening');
  return service;
});
