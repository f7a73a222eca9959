import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';

export interface TestSubgraph {
  name: string;
  typeDefs: string;
  url: string;
  /** Headers of every request the subgraph received, oldest first. */
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/**
 * A real subgraph on a free port: Apollo Server 5 behind node:http, with
 * stack traces switched on so tests can prove the gateway removes them.
 */
export async function startSubgraph(name: string, typeDefs: string, resolvers: GraphQLResolverMap<any>): Promise<TestSubgraph> {
  const apollo = new ApolloServer<{ headers: IncomingHttpHeaders }>({
    schema: buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers }),
    includeStacktraceInErrorResponses: true,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push(req.headers);
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
      const raw = Buffer.concat(chunks).toString('utf8');
      apollo
        .executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'POST', headers, search: new URL(req.url ?? '/', 'http://x').search, body: raw ? JSON.parse(raw) : undefined },
          context: async () => ({ headers: req.headers }),
        })
        .then(async (result) => {
          res.statusCode = result.status ?? 200;
          for (const [key, value] of result.headers) res.setHeader(key, value);
          if (result.body.kind === 'complete') res.end(result.body.string);
          else {
            for await (const chunk of result.body.asyncIterator) res.write(chunk);
            res.end();
          }
        })
        .catch((error: unknown) => {
          res.statusCode = 500;
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    typeDefs,
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}
