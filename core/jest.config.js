const preset = require('../jest.preset.js')(__dirname);

// Core needs no database: skip the preset's MongoDB-wire server (the kit's testing setup).
module.exports = { ...preset, globalSetup: undefined, globalTeardown: undefined };
