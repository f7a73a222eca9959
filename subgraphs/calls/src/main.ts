import { runMain } from '@profile-graph/kit';
import { createCalls } from './createCalls';
import { loadCallsConfig } from './callsConfig';

runMain('calls', async () => {
  const config = loadCallsConfig();
  const service = await createCalls(config);
  const { url } = await service.listen(config.PORT);
  service.logger.info({ url }, 'calls subgraph listening');
  return service;
});
