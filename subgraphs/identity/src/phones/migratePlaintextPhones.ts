import type { Logger } from 'pino';
import type { UserModel } from '../models/userModel';
import type { PhoneVault } from './phoneVault';
import { validateE164 } from './phoneVault';

/**
 * Before issue 5, a user document could carry a plaintext `phoneNumber`
 * (seeds, hand-made data). At startup each one is encrypted and the
 * plaintext removed, through the raw collection because the schema no
 * longer has the field. Numbers that are not E.164 are removed, not kept.
 */
export async function migratePlaintextPhones(users: UserModel, phones: PhoneVault, logger: Logger): Promise<number> {
  let migrated = 0;
  for (;;) {
    const batch = await users.collection.find({ phoneNumber: { $exists: true } }, { projection: { _id: 1, phoneNumber: 1 } }).limit(500).toArray();
    if (batch.length === 0) break;
    for (const doc of batch) {
      const id = String(doc._id);
      let e164: string | null = null;
      try {
        e164 = validateE164(doc.phoneNumber);
      } catch {
        e164 = null;
      }
      const set = e164 ? phones.seal(id, e164) : {};
      await users.collection.updateOne({ _id: doc._id as never, phoneNumber: doc.phoneNumber }, { ...(e164 ? { $set: set } : {}), $unset: { phoneNumber: '' } });
      migrated += 1;
    }
  }
  if (migrated > 0) logger.warn({ migrated }, 'encrypted plaintext phone numbers left from before issue 5');
  return migrated;
}
