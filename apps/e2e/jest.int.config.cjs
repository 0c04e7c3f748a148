// Suites that run several services in this process (core next to the registry, the jobservice or
// the install's gateway), on one test database.
module.exports = {
  displayName: 'e2e:int',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ["<rootDir>/src/**/*.int-spec.ts"],
  testTimeout: 30000,
  globals: { WHARF_TEST_TIMEOUT_MS: 30000 },
  setupFilesAfterEnv: [require('node:path').join(__dirname, '../../tools/jest/set-timeout.cjs')],
};
