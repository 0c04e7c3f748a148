module.exports = {
  displayName: 'jobservice:int',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ["<rootDir>/src/**/*.int-spec.ts"],
  testTimeout: 60000,
  globals: { WHARF_TEST_TIMEOUT_MS: 60000 },
  setupFilesAfterEnv: [require('node:path').join(__dirname, '../../tools/jest/set-timeout.cjs')],
};
