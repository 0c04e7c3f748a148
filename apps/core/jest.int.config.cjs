module.exports = {
  displayName: 'core:int',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ["<rootDir>/src/**/*.int-spec.ts"],
  testTimeout: 30000,
};
