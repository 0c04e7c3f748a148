// The console in real Chromium against a real installation (./install.sh on a copy of the repository).
module.exports = {
  displayName: 'portal:e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
  globals: { WHARF_TEST_TIMEOUT_MS: 240000 },
  setupFilesAfterEnv: [require('node:path').join(__dirname, '../../tools/jest/set-timeout.cjs')],
};
