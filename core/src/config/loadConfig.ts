import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Thrown when the environment does not describe a runnable service. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads configuration once, from one place. Every problem is reported
 * together, each naming the variable and the expected form, because an
 * operator fixing a deployment wants the whole list, not one error per restart.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const fileProblems: string[] = [];
  const env = withFileSecrets(Object.keys(schema.shape), source, fileProblems);
  if (fileProblems.length) throw new ConfigError(`Invalid configuration:\n${fileProblems.join('\n')}`);
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const given = env[variable];
    const shown = given === undefined ? 'missing' : 'invalid';
    return `  ${variable} is ${shown}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** Helpers for common variable shapes, with messages that say the expected form. */
export const env = {
  port: (fallback: number) =>
    z.coerce
      .number({ error: 'expected a port number (0-65535)' })
      .int({ error: 'expected a whole port number' })
      .min(0, { error: 'expected a port number (0-65535)' })
      .max(65535, { error: 'expected a port number (0-65535)' })
      .default(fallback),
  url: (protocols: string[], fallback?: string) => {
    const schema = z.string({ error: `expected a URL (${protocols.join(' or ')})` }).refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      { error: `expected a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}` },
    );
    return fallback === undefined ? schema : schema.default(fallback);
  },
  /** One URL or a comma-separated list (every node of a cluster). */
  urlList: (protocols: string[], fallback?: string) => {
    const schema = z
      .string()
      .refine(
        (value) =>
          value.split(',').every((part) => {
            try {
              return protocols.includes(new URL(part.trim()).protocol.replace(/:$/, ''));
            } catch {
              return false;
            }
          }),
        { error: `expected URLs starting with ${protocols.map((p) => `${p}://`).join(' or ')}, separated by commas` },
      );
    return fallback === undefined ? schema : schema.default(fallback);
  },
  pem: (kind: 'public' | 'private') =>
    z
      .string({ error: `expected a PEM-encoded ${kind} key` })
      .transform((value) => value.replace(/\\n/g, '\n'))
      .refine((value) => value.includes(`-----BEGIN ${kind === 'public' ? 'PUBLIC' : 'PRIVATE'} KEY-----`), {
        error: `expected a PEM-encoded ${kind} key (-----BEGIN ${kind === 'public' ? 'PUBLIC' : 'PRIVATE'} KEY-----)`,
      }),
  durationMs: (fallback: number) =>
    z.coerce
      .number({ error: 'expected milliseconds as a whole number' })
      .int({ error: 'expected milliseconds as a whole number' })
      .positive({ error: 'expected a positive number of milliseconds' })
      .default(fallback),
  /** A NATS user nkey seed (`SU` and 56 base32 characters), e.g. from `.data/keys/nats/<role>.nk`. */
  nkeySeed: () =>
    z
      .string({ error: 'expected a NATS user nkey seed (SU..., 58 characters)' })
      .trim()
      .regex(/^SU[A-Z2-7]{56}$/, { error: 'expected a NATS user nkey seed (SU..., 58 characters)' }),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  nodeEnv: () => z.enum(['development', 'production', 'test']).default('development'),
};

/**
 * `NAME_FILE=/run/secrets/x` stands for `NAME=<contents of the file>`, the
 * Docker/Kubernetes secrets convention, so keys need not sit in environment
 * variables. An unreadable file is reported like any other bad variable.
 */
export function withFileSecrets(names: string[], source: NodeJS.ProcessEnv, problems: string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...source };
  for (const name of names) {
    const file = source[`${name}_FILE`];
    if (env[name] !== undefined || !file) continue;
    try {
      env[name] = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(`  ${name}_FILE is invalid: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return env;
}
