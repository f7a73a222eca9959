import type { DocumentNode } from 'graphql';
import type { EnginePlugin } from '../engine/types';
import { mergeDuplicateFields } from './mergeDuplicateFields';
import { resolveConditionalSelections } from './resolveConditionalSelections';

/**
 * Hands the engine the operation in a form it answers correctly: @skip and
 * @include applied for this request's variables, then one field per response
 * key (mergeDuplicateFields explains the engine bug). Runs after variables
 * are coerced and before authorization and planning, which then see the
 * normalized document. Documents without variable-dependent directives are
 * normalized once (the engine caches parsed documents).
 */
export function useNormalizedSelections(): EnginePlugin {
  const cache = new WeakMap<DocumentNode, DocumentNode>();
  return {
    onExecute({ args }) {
      const original = args.document as DocumentNode;
      let normalized = cache.get(original);
      if (!normalized) {
        const resolved = resolveConditionalSelections(original, (args.variableValues ?? {}) as Record<string, unknown>);
        normalized = mergeDuplicateFields(resolved.document);
        if (!resolved.variableDependent) cache.set(original, normalized);
      }
      // The execution arguments are one object shared by every later hook and the engine: replacing its document
      // here is how the rest of the pipeline sees the normalized operation.
      if (normalized !== original) (args as { document: DocumentNode }).document = normalized;
    },
  };
}
