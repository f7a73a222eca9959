// S5's baseline only: @apollo/gateway refuses a supergraph whose @link is
// `for: SECURITY` (@authenticated, @requiresScopes). Removing them changes
// nothing it would enforce anyway; @requiresConsent stays (an EXECUTION-neutral
// composed directive the subgraphs themselves enforce).
import { Kind, parse, print, visit } from 'graphql';

const SECURITY_DIRECTIVES = new Set(['authenticated', 'requiresScopes']);
const SECURITY_LINK = /^https:\/\/specs\.apollo\.dev\/(authenticated|requiresScopes)\//;

/** @param {string} supergraphSdl @returns {string} */
export function stripSecurityDirectives(supergraphSdl) {
  const document = visit(parse(supergraphSdl), {
    Directive(node) {
      if (SECURITY_DIRECTIVES.has(node.name.value)) return null;
      if (node.name.value === 'link') {
        const url = node.arguments?.find((arg) => arg.name.value === 'url')?.value;
        if (url?.kind === Kind.STRING && SECURITY_LINK.test(url.value)) return null;
      }
      return undefined;
    },
    DirectiveDefinition(node) {
      return SECURITY_DIRECTIVES.has(node.name.value) ? null : undefined;
    },
    ScalarTypeDefinition(node) {
      return node.name.value === 'requiresScopes__Scope' ? null : undefined;
    },
  });
  return print(document);
}
