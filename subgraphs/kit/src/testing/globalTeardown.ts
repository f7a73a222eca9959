import type { MongoHandle } from '../../../../scripts/lib/services';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __testMongo?: MongoHandle }).__testMongo?.stop();
}
