// The architecture as rules a change cannot break unnoticed: which folder of src/ may import which
// (arrows one way: core ← kernel ← hash ← stream ← upload / retrieval / s3 / audit ← web ← aws ←
// node ← cli), no node: module outside node/ and cli/, only index.ts directly in src/, no source
// file over 450 lines, and the package's entries where they should be.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const MAX_LINES = 450;

const UNIVERSAL_PATHS = ['core', 'kernel', 'hash', 'stream', 'upload', 'retrieval', 's3', 'audit'];
/** What each folder may import (besides itself); `'*'`: anything. The PLAN's table, s3/ and audit/ included before they exist. */
const MAY_IMPORT: Record<string, readonly string[] | '*'> = {
  core: [],
  kernel: ['core'],
  hash: ['core', 'kernel'],
  stream: ['core', 'kernel', 'hash'],
  upload: ['core', 'kernel', 'hash', 'stream'],
  retrieval: ['core', 'kernel', 'hash', 'stream'],
  s3: ['core', 'kernel', 'hash', 'stream'],
  audit: ['core', 'kernel', 'hash', 'stream'],
  web: UNIVERSAL_PATHS,
  aws: [...UNIVERSAL_PATHS, 'web'],
  node: [...UNIVERSAL_PATHS, 'web', 'aws'],
  cli: '*',
};
/** Files held to a narrower rule than their folder's. */
const FILE_RULES: Record<string, readonly string[]> = {
  // Pure tree math: arithmetic on spans, never the hasher.
  'hash/tree-spans.ts': ['core/constants.ts'],
  // The root entry is universal.
  'index.ts': UNIVERSAL_PATHS,
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sources(SRC).map((path) => ({ path, name: relative(SRC, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }));
const folderOf = (name: string): string => (name.includes('/') ? name.split('/')[0]! : '');

/** The src-relative files a module imports (static, dynamic and re-exports). */
function importsOf(file: { path: string; text: string }): string[] {
  const specifiers = [...file.text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((specifier) =>
    relative(SRC, resolve(dirname(file.path), specifier.replace(/\.js$/, '.ts')))
      .split(sep)
      .join('/'),
  );
}

describe('layout', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it('only index.ts sits directly in src/; every folder has a row in the import table', () => {
    expect(files.filter((file) => !file.name.includes('/')).map((file) => file.name)).toEqual(['index.ts']);
    const folders = [...new Set(files.map((file) => folderOf(file.name)).filter((folder) => folder !== ''))];
    expect(folders.filter((folder) => !(folder in MAY_IMPORT))).toEqual([]);
  });

  it('arrows go one way: each folder imports only the folders below it', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const folder = folderOf(file.name);
      const allowed = (FILE_RULES[file.name] ?? MAY_IMPORT[folder]) as readonly string[] | '*' | undefined;
      for (const target of importsOf(file)) {
        if (target.startsWith('..')) offenders.push(`${file.name} imports ${target}, outside src/`);
        const targetFolder = folderOf(target);
        if (allowed === '*' || (targetFolder === folder && FILE_RULES[file.name] === undefined)) continue;
        // A file rule may name files or folders.
        if (allowed === undefined || (!allowed.includes(targetFolder) && !allowed.includes(target))) offenders.push(`${file.name} imports ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('upload and retrieval never import each other', () => {
    const crossing = files.filter((file) => {
      const folder = folderOf(file.name);
      const other = folder === 'upload' ? 'retrieval' : folder === 'retrieval' ? 'upload' : undefined;
      return other !== undefined && importsOf(file).some((target) => folderOf(target) === other);
    });
    expect(crossing.map((file) => file.name)).toEqual([]);
  });

  it('no node: module outside src/node/ and src/cli/', () => {
    const offenders = files.filter((file) => {
      if (['node', 'cli'].includes(folderOf(file.name))) return false;
      return /from ['"]node:|import\(['"]node:|require\(['"]node:/.test(file.text);
    });
    expect(offenders.map((file) => file.name)).toEqual([]);
  });

  it(`no source file is over ${MAX_LINES} lines`, () => {
    const long = files.map((file) => ({ name: file.name, lines: file.text.split('\n').length - 1 })).filter((file) => file.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it("every entry of package.json's exports is an index module of its folder, built from src/", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const entries = Object.entries(pkg.exports).filter(([key]) => key !== './package.json');
    const expected: Record<string, string> = {
      '.': 'index.ts',
      './upload': 'upload/index.ts',
      './retrieval': 'retrieval/index.ts',
      './audit': 'audit/index.ts',
      './node': 'node/index.ts',
      './web': 'web/index.ts',
      './aws': 'aws/index.ts',
    };
    for (const [key, file] of Object.entries(expected)) {
      const entry = pkg.exports[key] as { types?: string; default?: string } | undefined;
      expect(entry?.default, key).toBe(`./dist/${file.replace(/\.ts$/, '.js')}`);
      expect(entry?.types, key).toBe(`./dist/${file.replace(/\.ts$/, '.d.ts')}`);
      expect(
        files.some((source) => source.name === file),
        file,
      ).toBe(true);
    }
    // Other entries (./s3, the .wasm files) may follow; each must still be a file of the package.
    for (const [key, entry] of entries) expect(typeof entry === 'string' || typeof entry === 'object', key).toBe(true);
  });
});
