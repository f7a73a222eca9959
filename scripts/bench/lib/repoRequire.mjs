// The bench drives the built code of the workspaces (dist/), with the very
// mongoose and nats instances those workspaces resolve, so models and the
// event bus behave exactly as inside the services.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** require() as seen from a workspace, e.g. fromWorkspace('subgraphs/identity')('mongoose'). @param {string} workspace */
export const fromWorkspace = (workspace) => createRequire(path.join(root, workspace, 'package.json'));

/** The built core (@profile-graph/core): viewer, sessions, NATS, logging; what the gateway shares with the subgraphs. */
export const core = () => fromWorkspace('core')('./dist/index.js');

/** The built kit (@profile-graph/kit). */
export const kit = () => fromWorkspace('subgraphs/kit')('./dist/index.js');

/** A built module of a workspace, e.g. dist('subgraphs/identity', 'models/userModel.js'). @param {string} workspace @param {string} file */
export const dist = (workspace, file) => fromWorkspace(workspace)(`./dist/${file}`);

/** The repo's plain CommonJS script helpers (scripts/lib). @param {string} name */
export const scriptLib = (name) => createRequire(import.meta.url)(path.join(root, 'scripts', 'lib', name));
