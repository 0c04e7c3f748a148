module.exports = {
  displayName: 'http',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ["<rootDir>/src/**/*.spec.ts"],
};
