'use strict';
// @profile-graph/dev-services: the servers development and tests run against,
// NATS (with JetStream) and a MongoDB-wire server (mongod, else FerretDB 1.x),
// one job a file:
//   install.js      find the binaries, or install them once with Go
//   probes.js       free ports, readiness probes
//   supervision.js  launch, wait until ready, stop, restart, clean up orphans
//   nats.js         nats-server (alone or a cluster), always with nkey users
//   mongo.js        mongod or FerretDB; postgres.js + postgresCluster.js for FerretDB's postgresql backend
//   records.js      the long-running dev services recorded under .data/services
// Plain CommonJS with node: built-ins only, so scripts/ can use it before
// `npm install` (through scripts/lib/services.js). Its types are its JSDoc,
// checked by this package's `typecheck` (tsc --checkJs); there is no
// hand-written .d.ts to drift. See DESIGN.md, "Services for development and tests".

const { FERRETDB_VERSION, NATS_SERVER_VERSION, findOrInstallMongo, findOrInstallNatsServer } = require('./install');
const { startMongo } = require('./mongo');
const { startNats, startNatsCluster } = require('./nats');
const { getFreePort, waitForPort } = require('./probes');
const { devNatsCredentials, devServicesStatus, ensureDevServices, stopDevServices } = require('./records');

/**
 * @typedef {import('./nats').NatsHandle} NatsHandle
 * @typedef {import('./mongo').MongoHandle} MongoHandle
 * @typedef {import('./install').MongoKind} MongoKind
 * @typedef {import('../natsAuth').NatsCredentials} NatsCredentials
 * @typedef {import('../natsPermissions').NatsRole} NatsRole
 */

module.exports = {
  NATS_SERVER_VERSION,
  FERRETDB_VERSION,
  findOrInstallNatsServer,
  findOrInstallMongo,
  startNats,
  startNatsCluster,
  devNatsCredentials,
  startMongo,
  ensureDevServices,
  stopDevServices,
  devServicesStatus,
  getFreePort,
  waitForPort,
};
