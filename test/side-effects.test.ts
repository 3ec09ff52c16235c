// package.json says "sideEffects": false, so a bundler may drop any import whose names go unused.
// That is only true if importing a module changes nothing: in particular the Node entry must not
// register node:crypto with the engine resolver (it hands its SHA-256 to each call instead).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('side effects', () => {
  it('package.json declares none', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { sideEffects?: unknown };
    expect(pkg.sideEffects).toBe(false);
  });

  it('importing glacier-treehash/node leaves the engine resolver as it was', async () => {
    vi.resetModules();
    const engine = await import('../src/hash/engine.js');
    // As on a runtime without node:crypto for the core: a registration on import would change it.
    engine.registerNativeHash(null);
    try {
      expect(engine.resolveEngine('auto').native).toBeUndefined();
      await import('../src/node/index.js');
      await import('../src/node/aws.js');
      expect(engine.resolveEngine('auto').native).toBeUndefined();
      expect(engine.checkEngine(undefined)).toBe('auto');
    } finally {
      engine.registerNativeHash(undefined);
      vi.resetModules();
    }
  });

  it("no module of src/ calls the resolver's test hooks", () => {
    const callers = sources(join(ROOT, 'src')).filter((path) =>
      /\b(registerNativeHash|setDefaultEngine)\(/.test(readFileSync(path, 'utf8').replace(/export function \w+\(/g, '')),
    );
    expect(callers).toEqual([]);
  });
});
