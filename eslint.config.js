// Workflows and domain code run inside Temporal's deterministic sandbox: keep I/O and
// non-deterministic modules out of them at lint time rather than at replay time.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const forbiddenInSandbox = [
  ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not allowed in workflows/ and domain/ (determinism).' })),
  { name: 'undici', message: 'No network I/O in workflows/ and domain/: call an activity.' },
  { name: 'pino', message: 'Use the workflow logger (log from @temporalio/workflow), not pino.' },
  { name: 'fs-extra', message: 'No file I/O in workflows/ and domain/.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.cache/**', '.local/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // CommonJS configuration files (dependency-cruiser reads .cjs).
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'systems/*/workflows/**/*.ts', 'systems/*/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: forbiddenInSandbox,
        patterns: [
          { group: ['undici/*', 'pino/*', 'node:*'], message: 'Not allowed in workflows/ and domain/ (determinism).' },
          // Activity contracts (types + failure names) are workflow-safe; implementations are not.
          { regex: '(^|/)activities/(?!(.*/)?contract\\.js$)', message: 'Workflows import only activity types (import type), never implementations.', allowTypeImports: true },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'process', message: 'No process access in workflows/ and domain/.' },
        { name: 'Buffer', message: 'No Node Buffer in workflows/ and domain/.' },
      ],
    },
  },
  {
    // domain/ is pure: "now" is always a parameter, so the same code serves workflows and tests.
    files: ['domain/**/*.ts', 'systems/*/domain/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'domain/ takes the current time as a parameter.' },
        { object: 'Math', property: 'random', message: 'domain/ is deterministic.' },
      ],
    },
  },
);
