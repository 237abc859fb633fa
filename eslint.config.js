// Lint rules. The determinism rule (DESIGN.md section 4) forbids wall-clock time and
// Math.random in the simulation and in folds over events.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nonDeterministic = [
  {
    selector: "MemberExpression[object.name='Math'][property.name='random']",
    message: "Math.random is forbidden here: draw from the run's ChaCha20 sub-stream.",
  },
  {
    selector: "MemberExpression[object.name='Date'][property.name='now']",
    message: 'Date.now is forbidden here: time comes from the tick or the event.',
  },
  { selector: "NewExpression[callee.name='Date']", message: 'new Date() is forbidden here: time comes from the tick or the event.' },
  {
    selector: "MemberExpression[object.name='performance'][property.name='now']",
    message: 'performance.now is forbidden here except for duration_ms fields (see docs/ARCHITECTURE.md).',
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'schemas/**', '.kush/**', 'test-results/**', 'coverage/**', 'apps/dashboard/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@kush/*/src/*', '@kush/*/dist/*', '**/packages/*/src/**', '../../packages/**', '../../../packages/**'],
              message: "Import another package only through its entry point ('@kush/<name>').",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/civ/src/**/*.ts'],
    ignores: ['packages/civ/src/**/wall-clock.ts'],
    rules: { 'no-restricted-syntax': ['error', ...nonDeterministic] },
  },
  {
    // Track C state is a fold over events and the scheduler's time is an argument: no clocks there.
    files: ['packages/control/src/workflow/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...nonDeterministic] },
  },
  {
    files: ['apps/dashboard/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
