import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

const testFiles = ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'];

const layering = [
  // Apps are deployables: they never import each other.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  // tools/ and bench/ drive the stack and the services; like apps, they build on libs only.
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
  // The partner-facing verifier ships on its own: it may only use partner-safe code.
  { sourceTag: 'scope:partner', onlyDependOnLibsWithTags: ['scope:partner'] },
];

const boundaries = (depConstraints) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    banTransitiveDependencies: false,
    // Tools load the compiled stack from dist/ (`npm start` runs it without a loader) and type it
    // with `typeof import(...)` of its sources, which Nx counts as a lazy load of the library.
    allow: ['../dist/**'],
    checkDynamicDependenciesExceptions: ['stack'],
    depConstraints,
  },
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
    files: ['apps/**/*.ts'],
    rules: {
      // Services reach Kafka through @smart-dairy/kafka (KafkaTransport handlers, KafkaClient), so a change
      // of client library stays inside that package.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'kafkajs', message: 'Use @smart-dairy/kafka: @EventPattern handlers and KafkaClient.' },
          ],
        },
      ],
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
