import { runMain } from '@profile-graph/kit';
import { createConsent } from './createConsent';
import { loadConsentConfig } from './consentConfig';

runMain('consent', async () => {
  const config = loadConsentConfig();
  const service = await createConsent(config);
  const { url } = await service.listen(config.PORT);
  service.logger.info({ url }, 'consent subgraph listening');
  return service;
});
