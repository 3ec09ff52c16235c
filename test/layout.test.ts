// The architecture's one hard rule: the universal core (everything outside src/node/ and
// src/cli/) imports no node: module, so it runs unchanged in browsers and edge runtimes.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const NODE_ONLY = ['node', 'cli'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('layout', () => {
  it('the universal core imports no node: modules and nothing from the Node adapters', () => {
    const core = sources(SRC).filter((path) => !NODE_ONLY.includes(relative(SRC, path).split(/[\\/]/)[0]!));
    expect(core.length).toBeGreaterThan(5);
    const offenders = core.filter((path) => {
      const text = readFileSync(path, 'utf8');
      return /from ['"]node:|import\(['"]node:|require\(['"]node:|from ['"]\.\.?\/(?:\.\.\/)*(node|cli)\//.test(text);
    });
    expect(offenders.map((path) => relative(SRC, path))).toEqual([]);
  });
});
