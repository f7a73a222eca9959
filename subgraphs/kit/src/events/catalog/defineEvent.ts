import { z } from 'zod';
import { createEvent, type EventEnvelope } from '../eventEnvelope';

/** A payload schema: an object, loose so that a field a newer producer adds never turns an older consumer's events into poison. */
export type PayloadSchema = z.ZodType<Record<string, unknown>>;

/**
 * One event type of the catalog: its subject (the envelope's `type`), the envelope version, and the zod schema
 * of its `data`. Producers build envelopes with `create` (the payload type-checks, and is checked again at run
 * time so a bad one fails the write that would queue it); consumers name definitions in `consume({ events })`
 * and get `data` parsed by the bus. A subject ending in `>` is a family (`consent.v1.state.<userId>.<purpose>`):
 * its `subjectOf` names the subject of one payload.
 */
export interface EventDefinition<T extends string = string, S extends PayloadSchema = PayloadSchema> {
  readonly subject: T;
  readonly version: 1;
  readonly schema: S;
  /** The envelope of one event of this type; throws, naming the payload paths (never their values), when `data` does not fit. */
  create(data: z.input<S>, subjectUserId?: string): EventEnvelope<z.output<S>> & { type: string };
  /** Is `type` (an envelope's type, which the bus has checked equals its subject) of this definition? */
  matches(type: string): boolean;
}

/** The envelope a consumer of `D` receives: `data` parsed by the definition's schema. */
export type EventOf<D> = D extends EventDefinition<infer T, infer S> ? Omit<EventEnvelope<z.output<S>>, 'type'> & { type: T extends `${infer P}>` ? `${P}${string}` : T } : never;

/** The payload type of one definition, for code that builds or reads one outside `create` and a consumer. */
export type PayloadOf<D> = D extends EventDefinition<string, infer S> ? z.output<S> : never;

/** Paths of what is wrong, never the values: an issue's message can quote the payload (user ids, names). */
export function issuePaths(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((issue) => (issue.path.length ? issue.path.join('.') : '(root)')))];
}

export class InvalidEventPayload extends Error {
  constructor(
    readonly type: string,
    readonly paths: string[],
  ) {
    super(`event ${type} does not fit its catalog schema at: ${paths.join(', ')}`);
    this.name = 'InvalidEventPayload';
  }
}

export function defineEvent<T extends string, S extends PayloadSchema>(options: {
  subject: T;
  schema: S;
  /** For a family of subjects (`subject` ends in `>`): the subject of one payload. */
  subjectOf?: (data: z.output<S>) => string;
}): EventDefinition<T, S> {
  const family = options.subject.endsWith('>');
  if (family && !options.subjectOf) throw new Error(`event family ${options.subject} needs subjectOf`);
  const prefix = family ? options.subject.slice(0, -1) : null;
  return {
    subject: options.subject,
    version: 1,
    schema: options.schema,
    matches: (type) => (prefix ? type.startsWith(prefix) && type.length > prefix.length : type === options.subject),
    create(data, subjectUserId) {
      const parsed = options.schema.safeParse(data);
      if (!parsed.success) throw new InvalidEventPayload(options.subject, issuePaths(parsed.error));
      const type = options.subjectOf ? options.subjectOf(parsed.data) : options.subject;
      // The producer's own object, not the parse: the envelope carries exactly what was given.
      return createEvent(type, data as Record<string, unknown>, subjectUserId) as EventEnvelope<z.output<S>>;
    },
  };
}

/** Common fields. Ids are non-empty strings: every consumer keys a write by them. */
export const id = () => z.string().min(1);
export const isoDate = () => z.string().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'expected an ISO date' });
