// One subgraph of the gateway workload (argv[2]: accounts, inventory, products
// or reviews) on plain node:http. The gateway scenario measures gateways, so
// a subgraph must cost next to nothing: every distinct request body is
// executed once and its response text is served from memory afterwards. The
// data is static and the viewer header does not change any answer, so the
// memo is exact; it is bounded so a gateway sending ever-new bodies cannot grow it.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate } from 'graphql';
import http from 'node:http';
import { SUBGRAPHS } from './subgraphSchemas.mjs';

const name = process.argv[2];
const definition = SUBGRAPHS[name];
if (!definition) {
  console.error(`subgraphServer: expected one of ${Object.keys(SUBGRAPHS).join(', ')}, got ${name}`);
  process.exit(2);
}
const schema = buildSubgraphSchema({ typeDefs: parse(definition.typeDefs), resolvers: definition.resolvers });
const MEMO_LIMIT = 10_000;
const memo = new Map();

async function answer(body) {
  const memoized = memo.get(body);
  if (memoized) return memoized;
  let text;
  try {
    const { query, variables, operationName } = JSON.parse(body);
    const document = parse(query);
    const errors = validate(schema, document);
    const result = errors.length ? { errors } : await execute({ schema, document, variableValues: variables, operationName });
    text = JSON.stringify(result);
    if (!result.errors && memo.size < MEMO_LIMIT) memo.set(body, text);
  } catch (error) {
    text = JSON.stringify({ errors: [{ message: error instanceof Error ? error.message : String(error) }] });
  }
  return text;
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(req.url === '/ready' ? 200 : 405).end();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    void answer(Buffer.concat(chunks).toString('utf8')).then((text) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`${name} subgraph ready on ${process.env.PORT}`));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
