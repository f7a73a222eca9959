import { createHash } from 'node:crypto';
import { Kind, parse, type DocumentNode } from 'graphql';
import { TRUSTED_DOCUMENT_LIMITS, badInput, type TrustedOperation } from '@profile-graph/kit';

/** Relay, Hive and Apollo ids: hashes in hex or base64url, or a prefixed form such as `sha256:<hex>`. */
const DOCUMENT_ID = /^[A-Za-z0-9_~.:-]{1,128}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Entry {
  id: unknown;
  body: unknown;
  /** Where the entry sits in the manifest, for error messages. */
  at: string;
  /** Apollo's manifest ids are the SHA-256 of the body; other formats choose their own ids. */
  idIsSha256: boolean;
}

function entriesOf(manifest: unknown): Entry[] {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw badInput('manifest', 'expected a JSON object: an Apollo persisted query manifest or a { "<id>": "<document>" } map.');
  }
  const record = manifest as Record<string, unknown>;
  if ('format' in record || 'operations' in record) {
    if (record['format'] !== 'apollo-persisted-query-manifest') throw badInput('manifest.format', 'expected "apollo-persisted-query-manifest".');
    if (record['version'] !== 1) throw badInput('manifest.version', 'only version 1 of the Apollo manifest format is known.');
    const operations = record['operations'];
    if (!Array.isArray(operations)) throw badInput('manifest.operations', 'expected an array of { id, name, type, body }.');
    return operations.map((operation: unknown, index) => {
      const at = `manifest.operations[${index}]`;
      if (typeof operation !== 'object' || operation === null) throw badInput(at, 'expected an object { id, name, type, body }.');
      const { id, body } = operation as Record<string, unknown>;
      return { id, body, at, idIsSha256: true };
    });
  }
  return Object.entries(record).map(([id, body]) => ({ id, body, at: `manifest["${id.slice(0, 40)}"]`, idIsSha256: false }));
}

function operationName(document: DocumentNode, at: string): string {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const others = document.definitions.filter((definition) => definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION);
  if (others.length) throw badInput(at, 'a trusted document holds operations and fragments only.');
  if (operations.length !== 1) throw badInput(at, `expected exactly one operation, found ${operations.length}.`);
  const name = operations[0]!.name?.value;
  // The name labels the usage metric and tells operators what a key ran.
  if (!name) throw badInput(at, 'the operation needs a name.');
  return name;
}

/**
 * Reads an uploaded manifest, in either format partners' tooling writes: the
 * Apollo persisted query manifest (`{ format, version: 1, operations: [{ id,
 * name, type, body }] }`, ids are SHA-256 of the body and are checked) or the
 * `{ "<id>": "<document>" }` map of Relay and Hive. Every document must parse
 * and hold exactly one named operation; limits keep the manifest within one
 * NATS reply. Throws BAD_USER_INPUT naming the first problem found.
 */
export function parseTrustedDocumentsManifest(text: string): TrustedOperation[] {
  if (typeof text !== 'string' || text.length > TRUSTED_DOCUMENT_LIMITS.maxTotalChars * 2) {
    throw badInput('manifest', `give the manifest's JSON text, at most ${TRUSTED_DOCUMENT_LIMITS.maxTotalChars * 2} characters.`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw badInput('manifest', 'is not valid JSON.');
  }
  const entries = entriesOf(manifest);
  if (entries.length > TRUSTED_DOCUMENT_LIMITS.maxOperations) throw badInput('manifest', `holds ${entries.length} operations; at most ${TRUSTED_DOCUMENT_LIMITS.maxOperations}.`);
  const seen = new Set<string>();
  let total = 0;
  return entries.map(({ id, body, at, idIsSha256 }) => {
    if (typeof id !== 'string' || !DOCUMENT_ID.test(id)) throw badInput(`${at}.id`, 'use 1 to 128 letters, digits or _~.:- characters.');
    if (seen.has(id)) throw badInput(`${at}.id`, 'appears twice.');
    seen.add(id);
    if (typeof body !== 'string' || body.length === 0) throw badInput(`${at}.body`, 'expected the document text.');
    if (body.length > TRUSTED_DOCUMENT_LIMITS.maxDocumentChars) throw badInput(`${at}.body`, `longer than ${TRUSTED_DOCUMENT_LIMITS.maxDocumentChars} characters.`);
    total += body.length;
    if (total > TRUSTED_DOCUMENT_LIMITS.maxTotalChars) throw badInput('manifest', `its documents exceed ${TRUSTED_DOCUMENT_LIMITS.maxTotalChars} characters in all.`);
    let document: DocumentNode;
    try {
      document = parse(body, { noLocation: true, maxTokens: 5_000 });
    } catch (error) {
      throw badInput(`${at}.body`, `does not parse: ${(error as Error).message.slice(0, 200)}`);
    }
    const textHash = sha256(body);
    if (idIsSha256 && (!SHA256_HEX.test(id) || id !== textHash)) throw badInput(`${at}.id`, 'is not the SHA-256 (hex) of its body, as the Apollo manifest format requires.');
    return { id, name: operationName(document, `${at}.body`), textHash, body };
  });
}
