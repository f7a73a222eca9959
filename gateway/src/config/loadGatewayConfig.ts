import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, env, tracingConfigShape, tracingOptions, withFileSecrets, type TracingOptions } from '@profile-graph/core';
import { SERVICE_SCOPES, type ServiceTokenEntry } from '../auth/verifyServiceToken';
import { parseArgs } from './parseArgs';
import { SUBGRAPH_URL_VARIABLE } from '../supergraph/subgraphUrlVariable';

/** src/config and dist/config sit at the same depth, so one path serves both the tests and the build. */
export const DEFAULT_SUPERGRAPH_PATH = resolve(__dirname, '../../../schema/supergraph.graphql');

const SESSION_KEYS_FORM =
  'set SESSION_PUBLIC_KEYS (JSON object of key id to PEM public key, e.g. {"k1":"-----BEGIN PUBLIC KEY-----..."}) or SESSION_PUBLIC_KEY (PEM public key; its key id is SESSION_KEY_ID, default k1)';

const publicPem = env.pem('public');

const schema = z.object({
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  HOST: z.string({ error: 'expected a host name or IP address to listen on' }).min(1).default('127.0.0.1'),
  PORT: env.port(4000),
  SUPERGRAPH_PATH: z
    .string()
    .default(DEFAULT_SUPERGRAPH_PATH)
    .transform((value) => resolve(value))
    .refine((value) => existsSync(value) && statSync(value).isFile(), {
      error: 'expected the path of a composed supergraph SDL file (npm run compose writes schema/supergraph.graphql)',
    }),
  /** Signs the viewer for each subgraph call; subgraphs hold only the public half. */
  VIEWER_PRIVATE_KEY: env.pem('private'),
  SESSION_PUBLIC_KEYS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      try {
        const parsed: unknown = JSON.parse(value);
        const keys = z.record(z.string().min(1), publicPem).parse(parsed);
        if (Object.keys(keys).length > 0) return keys;
      } catch {
        // falls through to the issue that states the expected form
      }
      ctx.addIssue({ code: 'custom', message: `expected a JSON object of key id to PEM public key; ${SESSION_KEYS_FORM}` });
      return z.NEVER;
    }),
  SESSION_PUBLIC_KEY: publicPem.optional(),
  SESSION_KEY_ID: z.string().min(1, { error: 'expected a non-empty key id' }).default('k1'),
  UPSTREAM_TIMEOUT_MS: env.durationMs(10_000),
  /** Where identity answers API key lookups and announces revocations. Without it API keys are refused (fail closed). */
  NATS_URL: env.urlList(['nats', 'tls']).optional(),
  /** The gateway role's nkey seed (scripts/lib/natsPermissions.js); required with NATS_URL. A secret: usually NATS_NKEY_SEED_FILE. */
  NATS_NKEY_SEED: env.nkeySeed().optional(),
  /** CA certificate (PEM file) that signed the NATS servers' certificates, for `tls://` URLs with a private CA. */
  NATS_TLS_CA_FILE: z.string().min(1).optional(),
  /** How long a resolved API key is trusted without asking identity again; revocations arrive over NATS sooner. */
  API_KEY_CACHE_TTL_MS: env.durationMs(60_000),
  /** How long to wait for identity to answer a key lookup before refusing the request with SERVICE_UNAVAILABLE. */
  API_KEY_LOOKUP_TIMEOUT_MS: env.durationMs(2_000),
  /** How often key usage is reported to identity (lastUsedAt), in one message per interval. */
  API_KEY_USAGE_FLUSH_MS: env.durationMs(10_000),
  /** How long NATS may be silent (disconnected, or a PING unanswered) before user tokens and API keys are refused (503): revocations might be missed. */
  REVOCATIONS_STALE_AFTER_MS: env.durationMs(3_000),
  /** SHA-256 (hex) of the operator token; a request with a matching x-operator-token acts as the operator. Unset: no operator access. */
  OPERATOR_TOKEN_SHA256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex characters: the SHA-256 of the operator token (printf %s "$TOKEN" | sha256sum)' })
    .transform((value) => value.toLowerCase())
    .optional(),
  /**
   * Internal services' tokens, as JSON `[{ "sha256": "<hex of the token's SHA-256>", "scopes": ["ml:training"] }]`;
   * a request with a matching x-service-token is that service. Empty: no service access.
   */
  SERVICE_TOKENS: z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON: [{ "sha256": "<64 hex>", "scopes": ["ml:training"] }]' });
        return z.NEVER;
      }
    })
    .pipe(
      z.array(
        z.object({
          sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex characters: the SHA-256 of the service token' }).transform((value) => value.toLowerCase()),
          scopes: z.array(z.enum(SERVICE_SCOPES, { error: `expected scopes among ${SERVICE_SCOPES.join(', ')}` })).min(1),
        }),
      ),
    ),
  /** Proxies in front of the gateway whose X-Forwarded-For entries are trusted; 0 uses the socket address. */
  TRUST_PROXY_HOPS: wholeNumber(0, 10, 0),
  /** Comma-separated origins allowed to call from a browser; empty: no cross-origin access. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .refine((origins) => origins.every((origin) => origin === '*' || /^https?:\/\/[^/\s]+$/.test(origin)), {
      error: 'expected comma-separated origins such as https://app.example.com (scheme and host, no path), or *',
    }),
  MAX_BODY_BYTES: wholeNumber(1_000, 10_000_000, 100_000),
  MAX_DEPTH: wholeNumber(1, 100, 12),
  MAX_ALIASES: wholeNumber(0, 1_000, 15),
  MAX_DIRECTIVES: wholeNumber(0, 1_000, 20),
  MAX_TOKENS: wholeNumber(10, 100_000, 2_000),
  MAX_COST: wholeNumber(1, 1_000_000, 5_000),
  /** Operations per batched request; 0 turns batching off. */
  MAX_BATCH: wholeNumber(0, 100, 0),
  /** Token bucket per viewer (user id, API key, or client IP): burst size ... */
  RATE_LIMIT_CAPACITY: wholeNumber(1, 1_000_000, 120),
  /** ... and tokens added per second. */
  RATE_LIMIT_REFILL_PER_SECOND: z.coerce.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' }).default(10),
  /** GET /metrics (Prometheus). Turn off, or block /metrics at the proxy, where the gateway port is public. */
  METRICS: z.enum(['on', 'off'], { error: 'expected on or off' }).default('on'),
  /**
   * SHA-256 (hex) of the token a scraper sends as `Authorization: Bearer <token>` for /metrics.
   * Required for /metrics in production (without it /metrics answers 401 to everyone); optional elsewhere.
   */
  METRICS_TOKEN_SHA256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex characters: the SHA-256 of the metrics token (printf %s "$TOKEN" | sha256sum)' })
    .transform((value) => value.toLowerCase())
    .optional(),
  /** Reload the supergraph when its file changes (default: on in development only; SIGHUP reloads always). */
  SUPERGRAPH_WATCH: z.enum(['on', 'off'], { error: 'expected on or off' }).optional(),
  /** Concurrent identical subgraph queries for the same viewer share one call; never across viewers, never mutations. */
  SUBGRAPH_DEDUP: z.enum(['on', 'off'], { error: 'expected on or off' }).default('on'),
  /** Gateway processes sharing the port (node:cluster): a whole number, or auto for one per CPU core. */
  GATEWAY_WORKERS: z.union([z.literal('auto'), wholeNumber(1, 64, 1)], { error: 'expected a whole number from 1 to 64, or auto (one per CPU core)' }).default(1),
  /** Open subscriptions per viewer (user, API key, or anonymous client address), over SSE and WebSocket together. */
  SUBSCRIPTIONS_PER_VIEWER: wholeNumber(1, 10_000, 20),
  /** Open WebSocket connections per viewer. */
  WEBSOCKETS_PER_VIEWER: wholeNumber(1, 10_000, 5),
  /** WebSocket ping interval (a connection that misses a pong is closed). SSE streams get Yoga's comment line every 12 s. */
  SUBSCRIPTION_KEEPALIVE_MS: env.durationMs(12_000),
  /** OpenTelemetry: OTEL_TRACES_EXPORTER (none, console, otlp), OTEL_EXPORTER_OTLP_* and OTEL_SERVICE_NAME (the kit's tracingConfig). */
  ...tracingConfigShape,
});

function wholeNumber(min: number, max: number, fallback: number) {
  const form = `expected a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: form }).int({ error: form }).min(min, { error: form }).max(max, { error: form }).default(fallback);
}

export interface GatewayConfig {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  host: string;
  port: number;
  supergraphPath: string;
  viewerPrivateKey: string;
  /** Key id to PEM: several keys let identity rotate its signing key without logging everyone out. */
  sessionPublicKeys: Record<string, string>;
  /** Overrides keyed by the `<NAME>` of `SUBGRAPH_<NAME>_URL`; other subgraphs keep the supergraph's URL. */
  subgraphUrls: Record<string, string>;
  upstreamTimeoutMs: number;
  /** Unset: API keys are refused. */
  natsUrl?: string;
  /** The gateway's NATS credentials; always set with natsUrl. */
  natsNkeySeed?: string;
  natsTlsCaFile?: string;
  apiKeyCacheTtlMs: number;
  apiKeyLookupTimeoutMs: number;
  apiKeyUsageFlushMs: number;
  /** NATS silence after which revocations are not vouched for (user tokens and keys refused with 503). Default 3 s. */
  revocationsStaleAfterMs?: number;
  operatorTokenSha256?: string;
  /** Internal services' token hashes and scopes (SERVICE_TOKENS). */
  serviceTokens?: ServiceTokenEntry[];
  trustProxyHops: number;
  corsOrigins: string[];
  limits: OperationLimits;
  rateLimit: { capacity: number; refillPerSecond: number };
  /** Default on. */
  metricsEnabled?: boolean;
  /** Set: /metrics needs `Authorization: Bearer <token>` with this SHA-256. Unset: open outside production, closed in it. */
  metricsTokenSha256?: string;
  /** Reload the supergraph file when it changes. */
  supergraphWatch?: boolean;
  /** Where finished spans go (OTEL_* variables); unset: nowhere. */
  tracing?: TracingOptions;
  /** Share concurrent identical subgraph queries within one viewer. Default on. */
  subgraphDedup?: boolean;
  /** Worker processes serving the port (GATEWAY_WORKERS); 1 is this process alone. */
  workers?: number;
  /** Limits and keep-alive of subscriptions (SSE and WebSocket); defaults when unset. */
  subscriptions?: SubscriptionLimits;
}

export interface SubscriptionLimits {
  perViewer: number;
  websocketsPerViewer: number;
  keepAliveMs: number;
}

export interface OperationLimits {
  maxBodyBytes: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** 0: batching off. */
  maxBatch: number;
}

/** What tests and main get when they set nothing: the same defaults as the environment variables. */
export const DEFAULT_LIMITS: OperationLimits = { maxBodyBytes: 100_000, maxDepth: 12, maxAliases: 15, maxDirectives: 20, maxTokens: 2_000, maxCost: 5_000, maxBatch: 0 };

/** Which CLI flag, if any, stands for a variable, so an error names what the operator actually typed. */
const FLAG_FOR: Record<string, string> = { PORT: '--port', SUPERGRAPH_PATH: '--supergraph' };

function subgraphUrlIssues(environment: NodeJS.ProcessEnv, urls: Record<string, string>): string[] {
  const problems: string[] = [];
  const url = env.url(['http', 'https']);
  for (const [variable, value] of Object.entries(environment)) {
    const match = SUBGRAPH_URL_VARIABLE.exec(variable);
    if (!match || value === undefined) continue;
    const parsed = url.safeParse(value);
    if (parsed.success) urls[match[1]!] = parsed.data;
    else problems.push(`  ${variable} is invalid: expected a URL starting with http:// or https:// (the subgraph's GraphQL endpoint)`);
  }
  return problems;
}

/**
 * The gateway's whole configuration, from CLI flags (which win) and the
 * environment. Every problem is reported at once, each naming its variable
 * and the expected form.
 */
export function loadGatewayConfig(argv: readonly string[] = process.argv.slice(2), environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const args = parseArgs(argv);
  const problems: string[] = [];
  const merged: NodeJS.ProcessEnv = {
    ...withFileSecrets(Object.keys(schema.shape), environment, problems),
    ...(args.port !== undefined ? { PORT: args.port } : {}),
    ...(args.supergraph !== undefined ? { SUPERGRAPH_PATH: args.supergraph } : {}),
  };
  const fromFlag = new Set([...(args.port !== undefined ? ['PORT'] : []), ...(args.supergraph !== undefined ? ['SUPERGRAPH_PATH'] : [])]);

  const result = schema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const variable = issue.path.join('.') || '(environment)';
      const label = fromFlag.has(variable) ? `${FLAG_FOR[variable]} (${variable})` : variable;
      const given = merged[variable] === undefined ? 'missing' : 'invalid';
      problems.push(`  ${label} is ${given}: ${issue.message}${variable === 'SUPERGRAPH_PATH' ? ` (got ${merged[variable] ?? DEFAULT_SUPERGRAPH_PATH})` : ''}`);
    }
  }
  // Checked outside the schema so it is reported together with every other problem, not only when the rest is valid.
  if (merged['SESSION_PUBLIC_KEYS'] === undefined && merged['SESSION_PUBLIC_KEY'] === undefined) {
    problems.push(`  SESSION_PUBLIC_KEYS is missing: no session verification key; ${SESSION_KEYS_FORM}`);
  }
  if (merged['NATS_URL'] !== undefined && merged['NATS_NKEY_SEED'] === undefined) {
    problems.push('  NATS_NKEY_SEED is missing: NATS refuses connections without credentials; set the gateway role\'s nkey seed (NATS_NKEY_SEED_FILE=.data/keys/nats/gateway.nk)');
  }
  // Fail closed: without NATS no revocation reaches this gateway, so a signed-out or erased user's token would pass until it expires.
  if (merged['NODE_ENV'] === 'production' && merged['NATS_URL'] === undefined) {
    problems.push('  NATS_URL is missing: in production the gateway needs NATS for revocations (sign-outs, revoked keys, erased users) and shared rate limits');
  }
  const subgraphUrls: Record<string, string> = {};
  problems.push(...subgraphUrlIssues(environment, subgraphUrls));
  if (problems.length > 0 || !result.success) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);

  const value = result.data;
  return {
    nodeEnv: value.NODE_ENV,
    logLevel: value.LOG_LEVEL,
    host: value.HOST,
    port: value.PORT,
    supergraphPath: value.SUPERGRAPH_PATH,
    viewerPrivateKey: value.VIEWER_PRIVATE_KEY,
    sessionPublicKeys: value.SESSION_PUBLIC_KEYS ?? { [value.SESSION_KEY_ID]: value.SESSION_PUBLIC_KEY! },
    subgraphUrls,
    upstreamTimeoutMs: value.UPSTREAM_TIMEOUT_MS,
    ...(value.NATS_URL !== undefined ? { natsUrl: value.NATS_URL, natsNkeySeed: value.NATS_NKEY_SEED! } : {}),
    ...(value.NATS_TLS_CA_FILE !== undefined ? { natsTlsCaFile: value.NATS_TLS_CA_FILE } : {}),
    apiKeyCacheTtlMs: value.API_KEY_CACHE_TTL_MS,
    apiKeyLookupTimeoutMs: value.API_KEY_LOOKUP_TIMEOUT_MS,
    apiKeyUsageFlushMs: value.API_KEY_USAGE_FLUSH_MS,
    revocationsStaleAfterMs: value.REVOCATIONS_STALE_AFTER_MS,
    ...(value.OPERATOR_TOKEN_SHA256 !== undefined ? { operatorTokenSha256: value.OPERATOR_TOKEN_SHA256 } : {}),
    serviceTokens: value.SERVICE_TOKENS,
    trustProxyHops: value.TRUST_PROXY_HOPS,
    corsOrigins: value.CORS_ORIGINS,
    limits: {
      maxBodyBytes: value.MAX_BODY_BYTES,
      maxDepth: value.MAX_DEPTH,
      maxAliases: value.MAX_ALIASES,
      maxDirectives: value.MAX_DIRECTIVES,
      maxTokens: value.MAX_TOKENS,
      maxCost: value.MAX_COST,
      maxBatch: value.MAX_BATCH,
    },
    rateLimit: { capacity: value.RATE_LIMIT_CAPACITY, refillPerSecond: value.RATE_LIMIT_REFILL_PER_SECOND },
    metricsEnabled: value.METRICS === 'on',
    ...(value.METRICS_TOKEN_SHA256 !== undefined ? { metricsTokenSha256: value.METRICS_TOKEN_SHA256 } : {}),
    tracing: tracingOptions(value, 'gateway'),
    subgraphDedup: value.SUBGRAPH_DEDUP === 'on',
    workers: value.GATEWAY_WORKERS === 'auto' ? availableParallelism() : value.GATEWAY_WORKERS,
    subscriptions: { perViewer: value.SUBSCRIPTIONS_PER_VIEWER, websocketsPerViewer: value.WEBSOCKETS_PER_VIEWER, keepAliveMs: value.SUBSCRIPTION_KEEPALIVE_MS },
    supergraphWatch: (value.SUPERGRAPH_WATCH ?? (value.NODE_ENV === 'development' ? 'on' : 'off')) === 'on',
  };
}
