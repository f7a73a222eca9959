// A consent-gated field resolves to null when consent is missing, so it must
// be nullable: otherwise the null would wipe out its parent object.
const { Kind } = require('graphql');

/** @param {import('graphql').DocumentNode} document @returns {string[]} */
function checkGatedFieldsNullable(document) {
  const problems = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const gated = field.directives?.some((directive) => directive.name.value === 'requiresConsent');
      if (gated && field.type.kind === Kind.NON_NULL_TYPE) {
        problems.push(`${definition.name.value}.${field.name.value} has @requiresConsent and must be nullable.`);
      }
    }
  }
  return problems;
}

module.exports = { checkGatedFieldsNullable };
