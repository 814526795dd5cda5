import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noKubeClient = {
  paths: [{ name: '@kubernetes/client-node', message: 'Only src/kube talks to Kubernetes.' }],
  patterns: [{ group: ['@kubernetes/client-node/*'], message: 'Only src/kube talks to Kubernetes.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.mjs', '**/*.js', '**/*.cjs'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/kube/**'],
    rules: { 'no-restricted-imports': ['error', noKubeClient] },
  },
  {
    files: ['src/backup/**/*.ts', 'src/camunda/**/*.ts', 'src/reach/**/*.ts', 'src/output/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': ['error', { name: 'process', message: 'Only src/cli touches the process.' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/main.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'exitCode', message: 'Only src/cli/main.ts sets the exit code.' }, { object: 'process', property: 'exit', message: 'Only src/cli/main.ts ends the process.' }],
    },
  },
);
