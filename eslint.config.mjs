// Lint rules for the whole workspace. The important rule is @nx/enforce-module-boundaries:
// it turns the package graph of ../shared/DESIGN.md into a build failure when violated.
import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/coverage', '**/.nx'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Pure codecs and models: imports nothing internal.
            { sourceTag: 'layer:protocol', onlyDependOnLibsWithTags: ['layer:protocol'] },
            // The store knows messages, never sockets.
            { sourceTag: 'layer:core', onlyDependOnLibsWithTags: ['layer:protocol'] },
            { sourceTag: 'layer:remoting', onlyDependOnLibsWithTags: ['layer:protocol'] },
            // Nameserver and route cache: never the store (RocketMQ's namesrv -> client edge is what we avoid).
            { sourceTag: 'layer:routing', onlyDependOnLibsWithTags: ['layer:protocol', 'layer:remoting'] },
            { sourceTag: 'layer:replication', onlyDependOnLibsWithTags: ['layer:protocol', 'layer:core', 'layer:remoting'] },
            {
              sourceTag: 'layer:broker',
              onlyDependOnLibsWithTags: ['layer:protocol', 'layer:core', 'layer:remoting', 'layer:routing', 'layer:replication'],
            },
            // Clients never reach into the store, replication or broker.
            { sourceTag: 'layer:client', onlyDependOnLibsWithTags: ['layer:protocol', 'layer:remoting', 'layer:routing'] },
            // The decorator API may embed a broker, so it sees everything but apps and tools.
            {
              sourceTag: 'layer:integration',
              onlyDependOnLibsWithTags: ['layer:protocol', 'layer:core', 'layer:remoting', 'layer:routing', 'layer:replication', 'layer:broker', 'layer:client'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['layer:protocol', 'layer:core', 'layer:remoting', 'layer:routing', 'layer:replication', 'layer:broker', 'layer:client', 'layer:integration', 'type:app-support'],
            },
            // What the standalone processes share (config files, signal handling); nothing else may use it.
            { sourceTag: 'type:app-support', onlyDependOnLibsWithTags: [] },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: ['layer:protocol', 'layer:core', 'layer:remoting', 'layer:routing', 'layer:replication', 'layer:broker', 'layer:client', 'layer:integration'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // noUncheckedIndexedAccess is on, so an index known to be in range is asserted with '!'.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Use explicit named exports in barrels (STYLE.md habit 2).' },
      ],
    },
  },
  {
    files: ['packages/{protocol,core,remoting,routing,replication,broker,client,inversify}/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test/**'],
    rules: {
      // Libraries never read the environment (STYLE.md habit 8); only apps map env vars to options.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Libraries take options; only apps/* read process.env.' }],
    },
  },
];
