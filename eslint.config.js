import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Where code runs decides what it may import: the renderer never reaches Node, the host never React. */
const rendererMayNotImport = {
  patterns: [
    { group: ['node:*', 'fs', 'path', 'child_process'], message: 'The renderer runs in a browser: no Node modules.' },
    { group: ['**/host/*', '**/electron/*'], message: 'The renderer talks to the host only through src/bridge.' },
  ],
};
const hostMayNotImport = {
  patterns: [
    { group: ['react', 'react-dom', 'react-*', 'dexie', 'zustand'], message: 'Host code is plain Node.' },
    { group: ['**/src/*'], message: 'Host code shares only contract/ with the renderer.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'no-restricted-imports': ['error', rendererMayNotImport] },
  },
  {
    files: ['host/**/*.ts', 'electron/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', hostMayNotImport] },
  },
);
