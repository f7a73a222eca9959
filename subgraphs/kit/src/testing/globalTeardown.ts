import type { MongoHandle } from '@profile-graph/dev-services';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __testMongo?: MongoHandle }).__testMongo?.stop();
}
