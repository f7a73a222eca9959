// Entry (a) of the gateway scenario: a bare @apollo/gateway (JS query planner)
// on Apollo Server's standalone HTTP server, defaults only. Unlike S5's
// apolloBaselineServer.mjs it signs no viewer: the workload's subgraphs need none.
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import fs from 'node:fs';

const gateway = new ApolloGateway({ supergraphSdl: fs.readFileSync(process.env.SUPERGRAPH_PATH, 'utf8') });
const server = new ApolloServer({ gateway, introspection: false });
const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
console.log(`bare @apollo/gateway ready at ${url}`);
const stop = () => server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
