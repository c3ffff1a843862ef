import js from '@eslint/js';
import { builtinModules } from 'node:module';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Layering (issue 14): the folder says where code runs, and decides what it may import. A relative
 * import that climbs out of its folder may land only in a folder its layer lists; npm packages and
 * Node built-ins are limited by where the layer runs. Tests beside the code (*.test.*) keep their
 * folder's lines, may also use the test tools in scripts/ (simulators, fault proxy, pty pairs,
 * provisioning, seededRandom) and any package or built-in (they run in Node under Vitest); tests
 * that assemble several processes live in integration/. scripts/, e2e/, integration/ and lint/
 * import anything. lint/layering.test.ts lints one violation per line and expects it to fail.
 */
const TOP_FOLDERS = ['contract', 'src', 'web', 'host', 'intake', 'electron', 'shared-node', 'scripts', 'e2e', 'integration', 'lint'];
const LAYERS = {
  contract: { mayImport: [], runs: 'anywhere', why: 'contract/ is the one layer every process imports: it imports only itself and zod.' },
  src: { mayImport: ['contract'], runs: 'browser', why: 'src/ is the renderer on the PAD: it shares only contract/ with other processes and reaches the host through src/bridge.' },
  web: { mayImport: ['contract'], runs: 'browser', why: 'web/ holds the pages the intake serves: they share only contract/ with other processes.' },
  host: { mayImport: ['contract', 'shared-node'], runs: 'node', why: 'host/ shares contract/ with every process and shared-node/ with the intake, nothing else.' },
  intake: { mayImport: ['contract', 'shared-node'], runs: 'node', why: 'intake/ shares contract/ with every process and shared-node/ with the host, nothing else.' },
  electron: { mayImport: ['contract', 'shared-node', 'host'], runs: 'node', why: 'electron/ only wires the host into a window: it imports host/, shared-node/ and contract/.' },
  'shared-node': { mayImport: ['contract'], runs: 'node', why: 'shared-node/ is what the host and the intake both use: it imports only contract/.' },
};
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (names) => `(${names.map(escape).join('|')})`;
/** A relative import that climbs out into one of these top-level folders. */
const intoFolders = (folders, message) => ({ regex: `^(\\.\\./)+${anyOf(folders)}(/|$)`, caseSensitive: true, message });
const nodeBuiltins = { regex: `^(node:|${anyOf(builtinModules)}(/|$))`, caseSensitive: true, message: 'Browser code: no Node built-ins.' };
const nodeOnlyPackages = { regex: `^(electron|fastify|@fastify/.*|better-sqlite3|serialport|@serialport/.*|ws|pdfkit)(/|$)`, caseSensitive: true, message: 'Browser code: no Node-only packages.' };
const browserOnlyPackages = { regex: `^(react|react-dom|react-.*|dexie|zustand|chart\\.js|i18next)(/|$)`, caseSensitive: true, message: 'Node code: no React, Dexie, Zustand or Chart.js.' };
const packagesBut = (allowed, message) => ({ regex: `^(?!\\.|${anyOf(allowed)}(/|$))`, caseSensitive: true, message });
const PACKAGE_RULES = {
  anywhere: [packagesBut(['zod'], 'contract/ runs in every process: no package but zod, no Node built-ins.')],
  browser: [nodeBuiltins, nodeOnlyPackages],
  node: [browserOnlyPackages],
};
const TESTS = '**/*.test.{ts,tsx}';
/**
 * Inside the intake, rules reach data only through the storage seam (intake/store/store.ts): only
 * the server that assembles the intake (and tests, test fixtures, the engine itself) opens an engine.
 */
const INTAKE_ENGINE_OPENERS = ['intake/server.ts', 'intake/main.ts', 'intake/backupMain.ts', 'intake/store/*/**', 'intake/testing/**'];
const intakeEngine = { regex: '(^|/)store/(?!store$)[^/]+(/|$)', caseSensitive: true, message: 'intake rules reach data through intake/store/store.ts; only server.ts chooses an engine.' };

/** `import('…')` is not seen by no-restricted-imports: the same patterns, for dynamic imports with a literal path. */
const layeringPlugin = {
  rules: {
    'no-restricted-dynamic-imports': {
      meta: {
        type: 'problem',
        docs: { description: 'no-restricted-imports patterns (regex only) applied to import()' },
        schema: [{ type: 'object', properties: { patterns: { type: 'array' } }, additionalProperties: false }],
      },
      create(context) {
        const patterns = context.options[0].patterns.map(({ regex, caseSensitive, message }) => ({ matcher: new RegExp(regex, caseSensitive ? 'u' : 'iu'), message }));
        return {
          ImportExpression(node) {
            const source = node.source.type === 'Literal' ? node.source.value : node.source.type === 'TemplateLiteral' && node.source.expressions.length === 0 ? node.source.quasis[0].value.cooked : null;
            if (typeof source !== 'string') return;
            const hit = patterns.find(({ matcher }) => matcher.test(source));
            if (hit) context.report({ node, message: `'${source}' import is restricted from being used by a pattern. ${hit.message}` });
          },
        };
      },
    },
  },
};

function layerConfigs(folder) {
  const { mayImport, runs, why } = LAYERS[folder];
  const notHere = TOP_FOLDERS.filter((other) => other !== folder && !mayImport.includes(other));
  const production = [intoFolders(notHere, why), ...PACKAGE_RULES[runs]];
  const tests = [intoFolders(notHere.filter((other) => other !== 'scripts'), `${why} Tests may also use scripts/; tests that assemble processes go to integration/.`)];
  const rules = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }], 'layering/no-restricted-dynamic-imports': ['error', { patterns }] });
  return [
    { files: [`${folder}/**/*.{ts,tsx,js,mjs,cjs}`], ignores: [TESTS], rules: rules(production) },
    { files: [`${folder}/${TESTS}`], rules: rules(tests) },
    ...(folder === 'intake' ? [{ files: ['intake/**/*.{ts,tsx,js,mjs,cjs}'], ignores: [TESTS, ...INTAKE_ENGINE_OPENERS], rules: rules([...production, intakeEngine]) }] : []),
  ];
}

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
  { plugins: { layering: layeringPlugin } },
  {
    files: ['src/**/*.{ts,tsx}', 'web/**/*.{ts,tsx}'],
    ignores: [TESTS],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  ...Object.keys(LAYERS).flatMap(layerConfigs),
);
