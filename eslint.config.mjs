import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  prettier,
  { ignores: ['node_modules', 'dist', '.data', '.nx', 'coverage', 'libs/db/src/generated', 'bench/results'] },
  {
    files: ['**/*.ts', '**/*.mts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          depConstraints: [
            // Apps are deployables: they never import each other.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            // The partner-facing verifier ships on its own: it may only use partner-safe code.
            { sourceTag: 'scope:partner', onlyDependOnLibsWithTags: ['scope:partner'] },
            { sourceTag: 'scope:shared', notDependOnLibsWithTags: ['scope:testing', 'scope:tooling'] },
            { sourceTag: 'type:app', notDependOnLibsWithTags: ['scope:testing', 'scope:tooling'] },
          ],
        },
      ],
    },
  },
];
