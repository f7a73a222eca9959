import { BaseMetrics } from './baseMetrics';

describe('BaseMetrics', () => {
  it('exposes what every service measures, labelled with the service, and no subgraph-only series', async () => {
    const metrics = new BaseMetrics('gateway', { processMetrics: false });
    metrics.httpRequests.inc({ route: '/graphql', status: '200' });
    metrics.countErrors([{ extensions: { code: 'BAD_USER_INPUT' } }, {}]);
    const { body } = await metrics.render();
    expect(body).toContain('http_requests_total{route="/graphql",status="200",service="gateway"} 1');
    expect(body).toContain('graphql_errors_total{code="BAD_USER_INPUT",service="gateway"} 1');
    expect(body).toContain('graphql_errors_total{code="UNKNOWN",service="gateway"} 1');
    expect(body).toMatch(/^# TYPE hook_errors_total counter$/m);
    expect(body).toMatch(/^# TYPE process_faults_total counter$/m);
    expect(body).not.toMatch(/^# TYPE (consent_|events?_|nats_connected)/m);
  });
});
