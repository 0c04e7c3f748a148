module.exports = {
  displayName: 'jobservice',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ["<rootDir>/src/**/*.spec.ts"],
};
