import {
  defaultFieldResolver,
  isObjectType,
  valueFromASTUntyped,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { SubgraphContext } from '../server/subgraphContext';
import type { AccessLogSink } from './accessLogRecorder';
import type { ConsentLookup } from './consentProjection';
import { consentPurposes, isConsentPurpose, type ConsentPurpose } from './consentPurposes';
import { decideConsent, denialError, type ConsentDecisionResult, type DenialCode, type RecipientRelations } from './decideConsent';

export interface ConsentEnforcement {
  lookup: ConsentLookup;
  accessLog?: AccessLogSink;
  /** Relationships recipient rules need (hiring's applications and members); required when a gated field's purpose has such a rule. */
  relations?: RecipientRelations;
  /** Told of every refusal (metrics count denials by purpose); must not throw. */
  onDenied?: (purpose: ConsentPurpose, code: DenialCode) => void;
}

export interface GatedField {
  coordinate: string;
  purpose: ConsentPurpose;
  subjectField: string;
}

/** The lookup behind a schema, so list helpers reach it from `info.schema` without new context fields. */
const enforcementBySchema = new WeakMap<GraphQLSchema, ConsentEnforcement>();

export function consentEnforcementOf(schema: GraphQLSchema): ConsentEnforcement | undefined {
  return enforcementBySchema.get(schema);
}

/** The fields of `schema` that carry @requiresConsent, with their arguments. */
export function gatedFields(schema: GraphQLSchema): (GatedField & { type: GraphQLObjectType; field: GraphQLField<unknown, unknown> })[] {
  const found = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const directive = field.astNode?.directives?.find((d) => d.name.value === 'requiresConsent');
      if (!directive) continue;
      const args: Record<string, unknown> = {};
      for (const arg of directive.arguments ?? []) args[arg.name.value] = valueFromASTUntyped(arg.value);
      const purpose = args.purpose;
      if (!isConsentPurpose(purpose)) throw new Error(`${type.name}.${field.name}: @requiresConsent purpose ${String(purpose)} is not a known purpose`);
      const subjectField = typeof args.subjectField === 'string' ? args.subjectField : 'id';
      found.push({ coordinate: `${type.name}.${field.name}`, purpose, subjectField, type, field });
    }
  }
  return found;
}

/**
 * The data subject of a parent object: its `subjectField`, as the schema
 * would resolve it. Kit resolvers often return documents, so `id` falls back
 * to `_id`, and a field the document lacks is read through the type's own
 * (synchronous) resolver for it, e.g. `HiringProfile.userId: (p) => p._id`.
 */
export function readSubject(
  parent: unknown,
  subjectField: string,
  type: GraphQLObjectType,
  context: unknown,
  info: GraphQLResolveInfo,
): string | null {
  if (parent === null || typeof parent !== 'object') return null;
  const record = parent as Record<string, unknown>;
  let value = record[subjectField];
  if (value === undefined && subjectField === 'id') value = record._id;
  if (value === undefined) {
    const resolve = type.getFields()[subjectField]?.resolve;
    if (resolve) {
      const resolved = resolve(parent, {}, context, info);
      // A subject that needs I/O to find is a modelling mistake; refuse rather than wait.
      if (!(resolved instanceof Promise)) value = resolved;
    }
  }
  if (typeof value === 'string' && value.length > 0) return value;
  if (value !== null && value !== undefined && typeof (value as { toString?: unknown }).toString === 'function') {
    const text = String(value);
    return text && text !== '[object Object]' ? text : null;
  }
  return null;
}

/**
 * Wraps the resolver of every @requiresConsent field so the decision runs
 * before it (decideConsent: owner rule, recipients, then consent): a viewer
 * outside the purpose's recipients gets one fixed UNAUTHORIZED_FIELD_OR_TYPE
 * refusal, a recipient without consent CONSENT_REQUIRED (or
 * CONSENT_UNAVAILABLE) with the purpose; either way the field is null at its
 * path and the resolver never runs. Only granted reads by anyone but the
 * subject are handed to the access log. Mutates the schema's field configs in
 * place and returns the same schema.
 */
export function requiresConsentTransform(schema: GraphQLSchema, enforcement: ConsentEnforcement): GraphQLSchema {
  enforcementBySchema.set(schema, enforcement);
  for (const { type, field, coordinate, purpose, subjectField } of gatedFields(schema)) {
    if (consentPurposes[purpose].recipients.kind === 'applicantOrganizations' && !enforcement.relations) {
      throw new Error(`${coordinate}: ${purpose} needs the applications relationship; this subgraph supplies none (ConsentEnforcement.relations)`);
    }
    const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
    field.resolve = (parent, args, context, info) => {
      const viewer = (context as SubgraphContext).viewer;
      const subject = readSubject(parent, subjectField, type, context, info);
      const proceed = (decision: ConsentDecisionResult) => {
        if (!decision.allowed) {
          if (!subject) (context as SubgraphContext).log?.warn({ field: coordinate }, 'gated field has no readable subject; refused');
          enforcement.onDenied?.(purpose, decision.code);
          throw denialError(decision.code, purpose);
        }
        if (!decision.owner) {
          enforcement.accessLog?.record({
            viewerKind: viewer.kind,
            viewerId: viewer.userId ?? viewer.keyId ?? null,
            viewerOrgId: viewer.orgId ?? null,
            subjectUserId: subject!,
            field: coordinate,
            purpose,
          });
        }
        return resolve(parent, args, context, info);
      };
      const decision = decideConsent({ lookup: enforcement.lookup, viewer, subjectUserId: subject, purpose, relations: enforcement.relations, requestKey: context as object });
      return decision instanceof Promise ? decision.then(proceed) : proceed(decision);
    };
  }
  return schema;
}
