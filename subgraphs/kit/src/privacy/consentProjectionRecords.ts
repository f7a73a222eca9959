import type { Connection } from 'mongoose';
import type { ExportItem } from '@profile-graph/core';

/**
 * Every subgraph keeps a copy of consent state (the kit's ConsentProjection,
 * collection `consent_projection`): it mentions the user, so it is part of
 * their export and of their erasure. Read through the raw collection so this
 * does not depend on the projection having registered its model.
 */
const COLLECTION = 'consent_projection';

export async function exportConsentProjection(db: Connection, userId: string): Promise<ExportItem[]> {
  const docs = await db.collection(COLLECTION).find({ userId }).toArray();
  return docs.map((doc) => ({
    collection: COLLECTION,
    kind: 'copy of your consent decision, used to enforce it here',
    retention: 'replaced by each newer decision; deleted when you erase your account',
    purpose: 'essential.service.security',
    recipients: [],
    data: { purpose: doc.purpose, status: doc.status, version: doc.version, updatedAt: doc.updatedAt },
  }));
}

/** Removes the user's entries; resolves with how many went. */
export async function eraseConsentProjection(db: Connection, userId: string): Promise<number> {
  const { deletedCount } = await db.collection(COLLECTION).deleteMany({ userId });
  return deletedCount;
}
