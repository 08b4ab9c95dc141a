// Installing tfjs through the Verdaccio proxy takes minutes: one test, a 10-minute bound.
module.exports = { ...require('../../jest.preset.cjs'), testTimeout: 600000 };
