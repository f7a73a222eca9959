// S5's baseline process: a bare @apollo/gateway (JS query planner) on Apollo
// Server over the same subgraphs and supergraph. It does only what the
// subgraphs require to answer at all: verify the user's access token and sign
// the viewer for each subgraph call. No limits, no rate limiting, no
// authorization pass: the "bare" gateway the issue compares against.
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import fs from 'node:fs';
import { core } from './repoRequire.mjs';

const { createSessionVerifier, createViewerSigner, VIEWER_HEADER, anonymousViewer } = core();
const urls = JSON.parse(process.env.SUBGRAPH_URLS ?? '{}');
const verifySession = await createSessionVerifier({ k1: process.env.SESSION_PUBLIC_KEY });
const sign = await createViewerSigner(process.env.VIEWER_PRIVATE_KEY);

const gateway = new ApolloGateway({
  supergraphSdl: fs.readFileSync(process.env.SUPERGRAPH_PATH, 'utf8'),
  buildService: ({ name, url }) =>
    new RemoteGraphQLDataSource({
      url: urls[name] ?? url,
      willSendRequest: async ({ request, context }) => {
        request.http?.headers.set(VIEWER_HEADER, await sign(context.viewer ?? anonymousViewer, name));
      },
    }),
});
const server = new ApolloServer({ gateway, introspection: false });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
  context: async ({ req }) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return { viewer: anonymousViewer };
    const { userId } = await verifySession(token);
    return { viewer: { kind: 'user', userId, scopes: [] } };
  },
});
console.log(`apollo baseline ready at ${url}`);
const stop = () => server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
