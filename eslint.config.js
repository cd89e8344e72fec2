import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.drill/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    // The actions and their core are bundled and shipped; the playground (emulators, drill, local runner) never is.
    files: ['src/actions/**', 'src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)playground(/|$)', message: 'src/actions and src/core must not import src/playground: it is never bundled.' }] },
      ],
    },
  },
  {
    files: ['scripts/**', 'src/playground/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
