import type { DirectiveNode } from 'graphql';
import type { FieldRequirement } from './authorizeField';

function scopesArgument(directive: DirectiveNode): string[][] | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === 'scopes')?.value;
  if (value?.kind !== 'ListValue') return undefined;
  return value.values.map((inner) => (inner.kind === 'ListValue' ? inner.values.flatMap((s) => (s.kind === 'StringValue' ? [s.value] : [])) : []));
}

/** Reads `@authenticated` / `@requiresScopes` from a field's (or its type's) SDL; the gateway and the subgraphs read them alike. */
export function fieldRequirement(directives: readonly DirectiveNode[] | undefined): FieldRequirement | undefined {
  let requirement: FieldRequirement | undefined;
  for (const directive of directives ?? []) {
    if (directive.name.value === 'authenticated') requirement = { ...requirement, authenticated: true };
    if (directive.name.value === 'requiresScopes') requirement = { authenticated: true, scopes: scopesArgument(directive) ?? [] };
  }
  return requirement;
}
