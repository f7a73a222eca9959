/**
 * Apollo Sandbox, embedded. The endpoint is computed in the browser from the
 * page's own origin rather than from the Host header, so a forged Host cannot
 * inject anything into the page, and the page works behind any proxy.
 */
export function sandboxPage(graphqlEndpoint: string): string {
  const endpoint = JSON.stringify(graphqlEndpoint).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>profile-graph · Apollo Sandbox</title>
  <style>html, body { margin: 0; height: 100%; } #embedded-sandbox { position: absolute; inset: 0; }</style>
</head>
<body>
  <div id="embedded-sandbox"></div>
  <script src="https://embeddable-sandbox.cdn.apollographql.com/_latest/embeddable-sandbox.umd.production.min.js"></script>
  <script>
    new window.EmbeddedSandbox({
      target: '#embedded-sandbox',
      initialEndpoint: window.location.origin + ${endpoint},
      // Subscriptions run over graphql-ws on the same path; the credential goes in connectionParams.
      initialSubscriptionEndpoint: window.location.origin.replace(/^http/, 'ws') + ${endpoint},
      // The gateway authenticates with Authorization: Bearer; cookies are never read, so none are sent.
      includeCookies: false,
    });
  </script>
</body>
</html>
`;
}
