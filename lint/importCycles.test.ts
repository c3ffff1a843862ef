import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

/**
 * No import circles in the production code of any process or shared layer (issue 14). madge
 * follows static, type-only and dynamic imports; tests, scripts/, e2e/ and integration/ are left
 * out (they import across folders by design).
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const PRODUCTION_FOLDERS = ['contract', 'src', 'web', 'host', 'intake', 'electron', 'shared-node'];
const isSource = (file: string) => /\.tsx?$/.test(file) && !/\.(test|spec)\.tsx?$/.test(file) && !file.endsWith('.d.ts');

function sourcesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && isSource(entry.name))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

async function importGraph(baseDir: string, files: string[]) {
  return madge(files, {
    baseDir,
    fileExtensions: ['ts', 'tsx'],
    tsConfig: path.join(ROOT, 'tsconfig.node.json'),
    excludeRegExp: [/\.(test|spec)\.tsx?$/],
    detectiveOptions: { ts: { skipTypeImports: false, skipAsyncImports: false }, tsx: { skipTypeImports: false, skipAsyncImports: false } },
  });
}

describe('import graph of the production code', () => {
  it('has no cycles, and every import in it resolves', { timeout: 60_000 }, async () => {
    const files = PRODUCTION_FOLDERS.flatMap((folder) => sourcesUnder(path.join(ROOT, folder)));
    expect(files.length).toBeGreaterThan(50);
    const graph = await importGraph(ROOT, files);

    // An import madge cannot resolve is an edge missing from the graph, where a cycle could hide.
    expect(graph.warnings().skipped, 'imports that resolve to no file').toEqual([]);
    const edges = graph.obj();
    const withRelativeImports = files.filter((file) => /(from|import)\s*\(?\s*['"]\.\.?\//.test(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(withRelativeImports.filter((file) => !edges[file]?.length), 'files whose relative imports madge did not follow').toEqual([]);

    expect(graph.circular().map((cycle) => [...cycle, cycle[0]].join(' → ')), 'import cycles').toEqual([]);
  });

  it('would report a cycle: the check can fail', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cycle-'));
    writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = () => b;\n");
    writeFileSync(path.join(dir, 'b.ts'), "import type { a } from './a';\nexport const b: typeof a | null = null;\n");
    const graph = await importGraph(dir, [path.join(dir, 'a.ts')]);
    expect(graph.circular()).toEqual([['a.ts', 'b.ts']]);
  });
});
