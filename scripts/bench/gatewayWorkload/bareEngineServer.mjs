// Entry (b) of the gateway scenario: the engine our gateway is built on, bare.
// The very @graphql-hive/gateway-runtime, @graphql-hive/router-runtime (the
// Rust planner) and @graphql-mesh/transport-http the gateway resolves, with
// the runtime's defaults and none of our plugins, on plain node:http.
import fs from 'node:fs';
import http from 'node:http';
import { fromWorkspace } from '../lib/repoRequire.mjs';

const gatewayRequire = fromWorkspace('gateway');
const { createGatewayRuntime } = gatewayRequire('@graphql-hive/gateway-runtime');
const { unifiedGraphHandler } = gatewayRequire('@graphql-hive/router-runtime');
const httpTransport = gatewayRequire('@graphql-mesh/transport-http');

const supergraph = fs.readFileSync(process.env.SUPERGRAPH_PATH, 'utf8');
const runtime = createGatewayRuntime({
  supergraph,
  unifiedGraphHandler,
  transports: { http: httpTransport.default ?? httpTransport },
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: false,
  logging: 'warn',
});
await runtime.getSchema();
const server = http.createServer(runtime);
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`bare engine ready on ${process.env.PORT}`));
// Idle keep-alive connections would hold close() open past the bench's grace period (and lose a --cpu-prof profile).
const stop = () => {
  server.close(() => void runtime.dispose().finally(() => process.exit(0)));
  server.closeIdleConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
