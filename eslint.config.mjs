import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'tools/**', 'bench/node_modules/**', 'media/**/*.min.js', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core runs in Node, browsers, webviews and workers: it must never reach for the editor.
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode', 'fs', 'path', 'node:fs', 'node:path', 'child_process'] }] },
  },
  {
    // The step panel's page is written into every new panel: it takes convention names from ./conventions (a
    // generated table), not the registry, whose adapters would triple the bundle. Types are free.
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: 'core/conventions(/index)?$', allowTypeImports: true, message: 'Import names from src/webview/conventions.ts, gates from core/conventions/gates.' }] }],
    },
  },
);
