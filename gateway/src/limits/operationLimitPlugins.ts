import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
import { AppError } from '@profile-graph/core';
import type { OperationLimits } from '../config/loadGatewayConfig';
import type { EnginePlugin } from '../engine/types';

/** GraphQL Armor words its refusals as syntax errors without a code; ours carry the registry's. */
function limitError(error: GraphQLError): AppError {
  return new AppError('OPERATION_LIMIT_EXCEEDED', `${error.message.replace(/^Syntax Error: /, '')} Simplify the operation.`);
}

/** For validation rules: report and carry on, so every exceeded limit is listed at once. */
const report = { propagateOnRejection: false, onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(limitError(error))] };

export interface OperationLimitPluginOptions {
  hideSuggestions: boolean;
}

/**
 * Depth, aliases, directives, tokens and cost, checked during parsing and
 * validation (before authorization, planning or any subgraph call) with
 * GraphQL Armor. Tokens are counted while parsing, so a huge document is
 * refused before it is fully parsed. Field suggestions ("Did you mean ...")
 * are removed outside development: they let anyone map a schema with
 * introspection off.
 */
export function operationLimitPlugins(limits: OperationLimits, options: OperationLimitPluginOptions): EnginePlugin[] {
  const armor = EnvelopArmorPlugin({
    maxTokens: {
      n: limits.maxTokens,
      exposeLimits: true,
      propagateOnRejection: false,
      onReject: [
        (_: unknown, error: GraphQLError) => {
          throw limitError(error);
        },
      ],
    },
    maxDepth: { n: limits.maxDepth, exposeLimits: true, flattenFragments: true, ignoreIntrospection: true, ...report },
    maxAliases: { n: limits.maxAliases, exposeLimits: true, allowList: [], ...report },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true, ...report },
    costLimit: { maxCost: limits.maxCost, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5, ignoreIntrospection: true, exposeLimits: true, ...report },
    blockFieldSuggestion: { enabled: options.hideSuggestions, mask: '' },
  });
  return [armor as EnginePlugin];
}
