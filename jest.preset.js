// Shared jest settings: SWC transpiles TypeScript (with decorator metadata for Nest DI);
// type checking is a separate `typecheck` target.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
    // ESM-only packages (jose, openid-client and its oauth4webapi, @nestjs/passport) become CommonJS for Jest's module
    // system; Node itself loads them with require() in the built services.
    '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi|@nestjs/passport)/)'],
  passWithNoTests: true,
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@wharf/([a-z-]+)/testing$': path.join(__dirname, 'libs/$1/src/testing/index.ts'),
    // Entry points that load less than the library's index (e.g. @wharf/db/plain).
    '^@wharf/([a-z-]+)/([a-z-]+)$': path.join(__dirname, 'libs/$1/src/$2.ts'),
    '^@wharf/([a-z-]+)$': path.join(__dirname, 'libs/$1/src/index.ts'),
  },
};
