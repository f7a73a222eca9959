import { randomUUID } from 'node:crypto';
import { AppError, badInput, outboxOnCreate, outboxOnUpdate, updateAndRead, type SubgraphContext, identityEvents } from '@profile-graph/kit';
import type { IdentityServices } from '../identityServices';
import { organizationForMember } from '../organizations/organizationResolvers';
import type { ApiKeyDoc } from './apiKeyModel';
import { newApiKeySecret } from './apiKeySecret';
import { API_KEY_SCOPES, scopeName, type ApiKeyScopeName } from './apiKeyScopes';
import type { Resolvers } from '../generated/resolvers';

type Context = SubgraphContext<IdentityServices>;

const MAX_LIFETIME_MS = 366 * 24 * 3600 * 1000;
const MAX_KEYS_PER_ORGANIZATION = 50;

interface CreateApiKeyInput {
  organizationId: string;
  name: string;
  scopes: ApiKeyScopeName[];
  expiresAt?: Date | null;
}

function validateCreate(input: CreateApiKeyInput, now = Date.now()) {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length < 1 || name.length > 80 || /[\u0000-\u001f\u007f]/.test(name)) throw badInput('input.name', 'use 1 to 80 printable characters.');
  if (!Array.isArray(input.scopes) || input.scopes.length === 0) throw badInput('input.scopes', 'give at least one scope.');
  const scopes = [...new Set(input.scopes)].map((scope) => {
    const value = API_KEY_SCOPES[scope];
    if (!value) throw badInput('input.scopes', `use only ${Object.keys(API_KEY_SCOPES).join(', ')}.`);
    return value;
  });
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null) {
    if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) throw badInput('input.expiresAt', 'give an ISO 8601 time.');
    if (expiresAt.getTime() <= now) throw badInput('input.expiresAt', 'must be in the future.');
    if (expiresAt.getTime() > now + MAX_LIFETIME_MS) throw badInput('input.expiresAt', 'must be within a year.');
  }
  return { name, scopes, expiresAt };
}

/** The key if it exists and the signed-in user is an ADMIN of its organization; NOT_FOUND otherwise (no oracle for ids). */
async function keyForAdmin(context: Context, id: unknown): Promise<ApiKeyDoc> {
  const key = typeof id === 'string' ? await context.services.apiKeys.findById(id).lean().exec() : null;
  if (!key) throw new AppError('NOT_FOUND', 'No such API key among your organizations.');
  try {
    await organizationForMember(context, key.organizationId, 'ADMIN');
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', 'No such API key among your organizations.');
    throw error;
  }
  return key;
}

export const apiKeyResolvers = {
  Mutation: {
    createApiKey: async (_, args, context) => {
      const input = validateCreate(args.input);
      const organization = await organizationForMember(context, args.input.organizationId, 'ADMIN');
      if (!organization.verified) throw new AppError('FORBIDDEN', 'This organization is not verified yet; an operator must verify it before it can hold API keys.');
      const { apiKeys, relay } = context.services;
      if ((await apiKeys.countDocuments({ organizationId: organization._id, revokedAt: null })) >= MAX_KEYS_PER_ORGANIZATION) {
        throw new AppError('CONFLICT', `An organization holds at most ${MAX_KEYS_PER_ORGANIZATION} active keys; revoke one first.`);
      }
      const id = randomUUID();
      const { secret, hash, prefix } = newApiKeySecret();
      const event = identityEvents.apiKeyCreated.create({ keyId: id, organizationId: organization._id, scopes: input.scopes });
      const created = await apiKeys.create({
        _id: id,
        organizationId: organization._id,
        name: input.name,
        secretHash: hash,
        prefix,
        scopes: input.scopes,
        expiresAt: input.expiresAt,
        createdBy: context.viewer.userId!,
        ...outboxOnCreate([event]),
      });
      relay.kick();
      return { apiKey: created.toObject(), secret };
    },
    rotateApiKey: async (_, args, context) => {
      const key = await keyForAdmin(context, args.id);
      const { secret, hash, prefix } = newApiKeySecret();
      const event = identityEvents.apiKeyRotated.create({ keyId: key._id, organizationId: key.organizationId });
      const updated = await updateAndRead(
        context.services.apiKeys,
        { _id: key._id, revokedAt: null },
        outboxOnUpdate([event], { $set: { secretHash: hash, prefix, rotatedAt: new Date() } }),
      );
      if (!updated) throw new AppError('CONFLICT', 'This key is revoked; create a new one.');
      context.services.relay.kick();
      return { apiKey: updated, secret };
    },
    revokeApiKey: async (_, args, context) => {
      const key = await keyForAdmin(context, args.id);
      const event = identityEvents.apiKeyRevoked.create({ keyId: key._id, organizationId: key.organizationId });
      const updated = await updateAndRead(context.services.apiKeys, { _id: key._id, revokedAt: null }, outboxOnUpdate([event], { $set: { revokedAt: new Date() } }));
      context.services.relay.kick();
      // Revoking twice is not an error: the key is revoked either way.
      return updated ?? (await context.services.apiKeys.findById(key._id).lean().exec());
    },
  },
  ApiKey: {
    id: (key) => key._id,
    scopes: (key) => key.scopes.map(scopeName).filter((name): name is ApiKeyScopeName => name !== undefined),
  },
} satisfies Resolvers;
