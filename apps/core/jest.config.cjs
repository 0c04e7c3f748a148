module.exports = {
  displayName: 'core',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ["<rootDir>/src/**/*.spec.ts"],
};
