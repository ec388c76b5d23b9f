// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules for the extension, its
// tests and tools; switch statements over our unions must be exhaustive (typed rule, so the TypeScript
// files are linted with type information). Formatting is Prettier's job (eslint-config-prettier).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'demo/realcode/node_modules/**',
      'demo/realcode/dist/**',
      'test-results/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node, ...globals.webextensions },
    },
    rules: {
      // Page values are untyped by nature; `any` is used where a test reads page state.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'panel/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
    },
  },
  {
    // The hook wraps whatever callables a page hands it: `Function` is the honest type there.
    files: ['src/page/**/*.ts', 'test/unit/{discovery,limits,providers}.test.ts', 'test/e2e/realcode.test.ts'],
    rules: { '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
  prettier,
  {
    // After eslint-config-prettier, which switches max-len off: Prettier cannot break long strings or comments.
    files: ['src/**/*.ts', 'panel/**/*.{ts,tsx}'],
    rules: { 'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }] },
  },
);
