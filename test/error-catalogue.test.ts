// The README's error catalogue ("## Errors") and the `TreeHashErrorCode` union list the same
// codes, each with when it is raised and an example message; and every code is thrown somewhere.
// A new code fails this test until it is documented.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The codes of the `TreeHashErrorCode` union, wherever src/ defines it. */
function unionCodes(): { file: string; codes: string[] } {
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, ''); // comments may hold ';'
    const match = /export type TreeHashErrorCode\s*=([\s\S]*?);/.exec(text);
    if (match) return { file, codes: [...match[1]!.matchAll(/'(ERR_[A-Z0-9_]+)'/g)].map((m) => m[1]!) };
  }
  throw new Error('no TreeHashErrorCode in src/');
}

/** The rows of the README's "## Errors" table: code, when, example. */
function catalogue(): { code: string; when: string; example: string }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Errors\n');
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return section
    .split('\n')
    .filter((line) => /^\| `ERR_/.test(line))
    .map((line) => {
      const cells = line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim());
      return { code: cells[0]!.replace(/`/g, ''), when: cells[1] ?? '', example: cells.slice(2).join(' | ') };
    });
}

describe('the error catalogue', () => {
  it('lists exactly the codes of TreeHashErrorCode, once each', () => {
    const { codes } = unionCodes();
    const documented = catalogue().map((row) => row.code);
    expect(codes.length).toBeGreaterThan(20);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...codes].sort());
  });

  it('says for each code when it is raised and gives an example message', () => {
    for (const row of catalogue()) {
      expect({ code: row.code, when: row.when.length > 10, example: row.example.length > 10 }).toEqual({ code: row.code, when: true, example: true });
    }
  });

  it('every code is thrown somewhere in src/ (none is documented but dead)', () => {
    const { file, codes } = unionCodes();
    const others = sources(SRC)
      .filter((path) => path !== file)
      .map((path) => readFileSync(path, 'utf8'))
      .join('\n');
    const unused = codes.filter((code) => !others.includes(`'${code}'`));
    expect(unused, `codes never thrown (defined in ${relative(ROOT, file)})`).toEqual([]);
  });
});
