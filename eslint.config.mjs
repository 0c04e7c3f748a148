import nx from '@nx/eslint-plugin';

const boundaries = (allow) => ({
  enforceBuildableLibDependency: true,
  allow,
  depConstraints: [
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
    { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
    { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
    { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  ],
});

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/*.cjs', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries([])],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // apps/e2e holds the suites that run several services together (each started in-process by its
    // own harness): the one project that may reach into the services and the install tool. Nothing
    // imports it (an e2e project), and no service imports another.
    files: ['apps/e2e/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(['../../core/src/**', '../../registry/src/**', '../../jobservice/src/**', '../../../tools/install/src/**'])],
    },
  },
];
