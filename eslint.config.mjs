import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

const testFiles = ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'];

const layering = [
  // Apps are deployables: they never import each other.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  // The partner-facing verifier ships on its own: it may only use partner-safe code.
  { sourceTag: 'scope:partner', onlyDependOnLibsWithTags: ['scope:partner'] },
];

const boundaries = (depConstraints) => [
  'error',
  { enforceBuildableLibDependency: false, banTransitiveDependencies: false, depConstraints },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  prettier,
  {
    ignores: [
      'node_modules',
      'dist',
      'libs/webhook-consumer/dist',
      '.data',
      '.nx',
      'coverage',
      'libs/db/src/generated',
      'bench/results',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Production code never reaches for test fixtures or the local-stack tooling.
      '@nx/enforce-module-boundaries': boundaries([
        ...layering,
        { sourceTag: 'scope:shared', notDependOnLibsWithTags: ['scope:testing', 'scope:tooling'] },
        { sourceTag: 'type:app', notDependOnLibsWithTags: ['scope:testing', 'scope:tooling'] },
      ]),
    },
  },
  {
    files: testFiles,
    rules: {
      '@nx/enforce-module-boundaries': boundaries(layering),
      // Assertions on values a test just checked are clearer than guards.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
