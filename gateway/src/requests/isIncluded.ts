import { GraphQLIncludeDirective, GraphQLSkipDirective, Kind, getDirectiveValues, type SelectionNode } from 'graphql';

/** Whether @skip/@include leave this selection in, for these variables (as execution will decide). */
export function isIncluded(node: SelectionNode, variables: Record<string, unknown>): boolean {
  try {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.['if'] === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.['if'] !== false;
  } catch {
    // A directive the variables cannot satisfy: execution reports it.
    return true;
  }
}

/** Whether the decision depends on variables (`@include(if: $flag)`), so it cannot be cached per document. */
export function dependsOnVariables(node: SelectionNode): boolean {
  return (node.directives ?? []).some(
    (directive) => (directive.name.value === 'skip' || directive.name.value === 'include') && directive.arguments?.some((arg) => arg.value.kind === Kind.VARIABLE),
  );
}
