import { readFileSync } from 'node:fs';
import { Kind, parse, print, visit, type DocumentNode, type EnumValueDefinitionNode } from 'graphql';

/** One subgraph as the supergraph's `join__Graph` enum names it. */
export interface SupergraphSubgraph {
  /** The enum value the query plan refers to, e.g. `IDENTITY`. */
  graph: string;
  /** The subgraph's own name, e.g. `identity`: viewer tokens are minted for this audience. */
  name: string;
  url: string;
}

export interface Supergraph {
  document: DocumentNode;
  subgraphs: SupergraphSubgraph[];
}

/** The supergraph could not be read or is not a Federation 2 supergraph. */
export class SupergraphError extends Error {
  override readonly name = 'SupergraphError';
}

function stringArgument(node: EnumValueDefinitionNode, directive: string, argument: string): string | undefined {
  const found = node.directives?.find((d) => d.name.value === directive)?.arguments?.find((a) => a.name.value === argument);
  return found?.value.kind === Kind.STRING ? found.value.value : undefined;
}

/**
 * Parses supergraph SDL and lists its subgraphs from `join__Graph`. Any valid
 * Federation 2 supergraph carries that enum, so nothing here is specific to
 * this project's subgraphs.
 */
export function parseSupergraph(sdl: string, source = 'supergraph'): Supergraph {
  let document: DocumentNode;
  try {
    document = parse(sdl);
  } catch (cause) {
    throw new SupergraphError(`${source} is not valid GraphQL SDL: ${(cause as Error).message}`, { cause });
  }
  const joinGraph = document.definitions.find(
    (d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph',
  );
  if (!joinGraph || joinGraph.kind !== Kind.ENUM_TYPE_DEFINITION || !joinGraph.values?.length) {
    throw new SupergraphError(
      `${source} is not a Federation 2 supergraph (it has no join__Graph enum); compose one from subgraph SDL (npm run compose)`,
    );
  }
  const subgraphs = joinGraph.values.map((value) => {
    const name = stringArgument(value, 'join__graph', 'name');
    const url = stringArgument(value, 'join__graph', 'url');
    if (!name || url === undefined) {
      throw new SupergraphError(`${source}: join__Graph.${value.name.value} lacks @join__graph(name:, url:)`);
    }
    return { graph: value.name.value, name, url };
  });
  return { document, subgraphs };
}

/** Reads and parses the supergraph file, naming the file in every failure. */
export function readSupergraph(path: string): Supergraph {
  let sdl: string;
  try {
    sdl = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new SupergraphError(`cannot read the supergraph at ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause });
  }
  return parseSupergraph(sdl, path);
}

/**
 * Replaces subgraph URLs inside the supergraph itself rather than through an
 * engine option, so an override means the same thing to any planner we run.
 */
export function withSubgraphUrls(supergraph: Supergraph, urls: Record<string, string>): Supergraph {
  const document = visit(supergraph.document, {
    EnumValueDefinition(node) {
      const graph = node.directives?.find((d) => d.name.value === 'join__graph');
      const name = graph?.arguments?.find((a) => a.name.value === 'name');
      const url = name?.value.kind === Kind.STRING ? urls[name.value.value] : undefined;
      if (!graph || url === undefined) return undefined;
      return {
        ...node,
        directives: node.directives?.map((d) =>
          d !== graph
            ? d
            : {
                ...d,
                arguments: d.arguments?.map((a) =>
                  a.name.value === 'url' ? { ...a, value: { kind: Kind.STRING, value: url } } : a,
                ),
              },
        ),
      };
    },
  });
  return {
    document,
    subgraphs: supergraph.subgraphs.map((s) => (urls[s.name] === undefined ? s : { ...s, url: urls[s.name]! })),
  };
}

export const printSupergraph = (supergraph: Supergraph): string => print(supergraph.document);
