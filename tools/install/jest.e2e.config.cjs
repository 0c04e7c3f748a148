module.exports = {
  displayName: 'install:e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ["<rootDir>/src/**/*.e2e-spec.ts"],
  testTimeout: 600000,
  globals: { WHARF_TEST_TIMEOUT_MS: 600000 },
  setupFilesAfterEnv: [require('node:path').join(__dirname, '../../tools/jest/set-timeout.cjs')],
};
