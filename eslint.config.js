import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const noKubeClient = {
  paths: [{ name: '@kubernetes/client-node', message: 'Only src/kube talks to Kubernetes.' }],
  patterns: [{ group: ['@kubernetes/client-node/*'], message: 'Only src/kube talks to Kubernetes.' }],
};

/**
 * The floors of src, lowest first: a file may import from its own floor and the ones below, never from above.
 * The ground (errors, events, secret-value, format-duration) imports nothing of src.
 */
const FLOORS = ['kube', 'reach', 'camunda', 'backup', 'output', 'cli'];
const GROUND = ['src/errors.ts', 'src/events.ts', 'src/secret-value.ts', 'src/format-duration.ts'];
const upwardZones = [
  ...GROUND.map((target) => ({ target, from: FLOORS.map((floor) => `src/${floor}`), message: 'The ground floor imports nothing of src.' })),
  ...FLOORS.slice(0, -1).map((floor, index) => ({
    target: `src/${floor}`,
    from: FLOORS.slice(index + 1).map((above) => `src/${above}`),
    message: `src/${floor} is below ${FLOORS.slice(index + 1).join(', ')}: data flows down, imports never run up a layer.`,
  })),
  // Inside src/backup: the shared model (layout, connections, part clients, exporting) at its root, used by
  // taking backups (take/), operating them (operate/) and restoring them (restore/); take/ and operate/ import
  // neither of the others.
  { target: 'src/backup/*.ts', from: ['src/backup/take', 'src/backup/operate', 'src/backup/restore'], message: 'The backup model is shared: it imports neither take/, operate/ nor restore/.' },
  { target: 'src/backup/take', from: ['src/backup/operate', 'src/backup/restore'], message: 'Taking backups does not depend on operating or restoring them.' },
  { target: 'src/backup/operate', from: ['src/backup/take', 'src/backup/restore'], message: 'Operating backups does not depend on taking or restoring them.' },
  // Restoring reads the shared model and the operate side's verdict (the same judgement as status), never take/.
  { target: 'src/backup/restore', from: 'src/backup/take', message: 'Restoring backups does not depend on taking them.' },
];

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
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: upwardZones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
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
