import { Schema, type Connection, type Model } from 'mongoose';

/**
 * That a user was erased: the id and the time, nothing else. Written by the erasure handler before anything of
 * the user is deleted, in every subgraph's own database, and kept: it is what stops a late, repeated or replayed
 * event (streams are not ordered with each other) from bringing the user's data back.
 */
export interface ErasedUserDoc {
  _id: string;
  erasedAt: Date;
}

const erasedUserSchema = new Schema<ErasedUserDoc>(
  { _id: { type: String, required: true }, erasedAt: { type: Date, required: true } },
  { collection: 'erased_users', versionKey: false },
);

export type ErasedUserModel = Model<ErasedUserDoc>;

export const erasedUserModel = (db: Connection): ErasedUserModel =>
  (db.models.ErasedUser as ErasedUserModel | undefined) ?? db.model<ErasedUserDoc>('ErasedUser', erasedUserSchema);

/**
 * The one erasure check every consumer and write path of a subgraph goes through.
 *
 * Without transactions a check and a write in another collection cannot be one operation, so `write` follows a
 * rule that closes the race instead: check, write, check again, and undo the write when the tombstone appeared
 * meanwhile. The erasure writes the tombstone before it deletes; so either the second check sees it (and the
 * write is undone here) or the write landed before the tombstone (and the erasure's deletion removes it).
 * Where the tombstone lives in the written collection itself, prefer a conditional write on it.
 */
export class ErasureGuard {
  readonly model: ErasedUserModel;
  private readonly listeners = new Set<(userId: string) => void>();

  constructor(db: Connection) {
    this.model = erasedUserModel(db);
  }

  /** Idempotent; keeps the first time. */
  async record(userId: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: userId }, { $setOnInsert: { erasedAt: at } }, { upsert: true });
    for (const listener of this.listeners) listener(userId);
  }

  /** Called in this process when a tombstone is written (the in-memory consent projection forgets the user). */
  onErased(listener: (userId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Users erased at or after `since` (by any instance: the tombstones are in the shared database). */
  async erasedSince(since: Date): Promise<string[]> {
    return (await this.model.find({ erasedAt: { $gte: since } }, { _id: 1 }).lean()).map((doc) => doc._id);
  }

  async isErased(userId: string): Promise<boolean> {
    return (await this.model.exists({ _id: userId })) !== null;
  }

  /** The erased ones among `userIds` (one query: the collection holds erased users only). */
  async erasedAmong(userIds: Iterable<string>): Promise<Set<string>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Set();
    const found = ids.length === 1 ? await this.model.find({ _id: ids[0] }).lean() : await this.model.find({ _id: { $in: ids } }).lean();
    return new Set(found.map((doc) => doc._id));
  }

  /** Runs `write` for a user who is not erased; if the erasure overtook it, runs `undo`. */
  async write(userId: string, write: () => Promise<unknown>, undo: () => Promise<unknown>): Promise<'written' | 'erased'> {
    if (await this.isErased(userId)) return 'erased';
    await write();
    if (!(await this.isErased(userId))) return 'written';
    await undo();
    return 'erased';
  }
}

const guards = new WeakMap<Connection, ErasureGuard>();

/** One guard per database connection, so the erasure handler and every consumer of a subgraph share it. */
export function erasureGuard(db: Connection): ErasureGuard {
  let guard = guards.get(db);
  if (!guard) guards.set(db, (guard = new ErasureGuard(db)));
  return guard;
}
