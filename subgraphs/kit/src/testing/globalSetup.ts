import { startMongo, type MongoHandle } from '@profile-graph/dev-services';

/**
 * Jest globalSetup: one MongoDB-wire server per test run (tests isolate by
 * database prefix). MONGODB_URI, when set, is used as it is. Workers start
 * after this, so they inherit MONGODB_URI.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  const mongo: MongoHandle = await startMongo({});
  process.env.MONGODB_URI = mongo.uri;
  (globalThis as { __testMongo?: MongoHandle }).__testMongo = mongo;
}
