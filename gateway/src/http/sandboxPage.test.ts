import { sandboxPage } from './sandboxPage';

describe('sandboxPage', () => {
  it('embeds Apollo Sandbox pointed at this origin', () => {
    const html = sandboxPage('/graphql');
    expect(html).toContain('https://embeddable-sandbox.cdn.apollographql.com/_latest/embeddable-sandbox.umd.production.min.js');
    expect(html).toContain('initialEndpoint: window.location.origin + "/graphql"');
    // Subscriptions in Sandbox go over graphql-ws on the same path.
    expect(html).toContain(`initialSubscriptionEndpoint: window.location.origin.replace(/^http/, 'ws') + "/graphql"`);
  });

  it('cannot be broken out of by the endpoint string', () => {
    expect(sandboxPage('/x</script><script>alert(1)')).not.toContain('</script><script>alert');
  });
});
