module.exports = {
  displayName: 'registry:e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ["<rootDir>/e2e/**/*.e2e-spec.ts"],
  testTimeout: 180000,
};
