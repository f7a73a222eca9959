'use strict';
// The dev services' entry for scripts/ (test.mjs, start.mjs, services.mjs,
// soak.mjs, the bench): a relative require, so it works before `npm install`.
// The code is the @profile-graph/dev-services workspace in ./services/.
module.exports = require('./services/index.js');
