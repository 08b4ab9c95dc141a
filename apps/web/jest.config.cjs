// The e2e test drives Chromium over the built site (npm run build first; nx does it for `test`).
module.exports = { ...require('../../jest.preset.cjs'), testTimeout: 180000 };
