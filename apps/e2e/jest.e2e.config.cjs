// Suites that drive several services with real clients (skopeo, podman, docker, a browser).
module.exports = {
  displayName: 'e2e:e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ["<rootDir>/src/**/*.e2e-spec.ts"],
  testTimeout: 180000,
  globals: { WHARF_TEST_TIMEOUT_MS: 180000 },
  setupFilesAfterEnv: [require('node:path').join(__dirname, '../../tools/jest/set-timeout.cjs')],
};
