// The public surface: what each entry exports at run time. The root stays small; no entry hands out
// an internal hook (a hasher's window, the part hand-over protocol, a manifest's digests) or a class
// with internal constructor arguments: hashers, checks and manifests are interfaces made by factories.
import { describe, expect, it } from 'vitest';
import * as root from '../src/index.js';
import * as upload from '../src/upload/index.js';
import * as retrieval from '../src/retrieval/index.js';
import * as node from '../src/node/index.js';
import * as web from '../src/web/index.js';
import * as aws from '../src/aws/index.js';
import * as s3 from '../src/s3/index.js';

const ENTRIES = { root, upload, retrieval, node, web, aws, s3 } as Record<string, Record<string, unknown>>;
const INTERNAL_HOOKS = ['writableWindow', 'commitWritten', 'handOver', 'startHashedPart', 'addHashedPart', 'finishHashed', '_leafSpan', '_digests', 'restore'];

describe('public entries', () => {
  it('the root entry keeps what most users need, in at most 35 runtime names', () => {
    expect(Object.keys(root).sort()).toEqual(
      [
        'DIGEST_LENGTH',
        'ENGINES',
        'LEAF_SIZE',
        'MiB',
        'PROGRESS_STEP',
        'TreeHashError',
        'TreeHashMismatchError',
        'combineTreeHashes',
        'computeChecksums',
        'createChecksums',
        'createTreeHasher',
        'engineInfo',
        'fromHex',
        'restoreTreeHasher',
        'setKernelModule',
        'sha256',
        'toHex',
        'treeHash',
      ].sort(),
    );
    expect(Object.keys(root).length).toBeLessThanOrEqual(35);
  });

  it('every exported name is defined', () => {
    for (const [entry, names] of Object.entries(ENTRIES)) {
      for (const [name, value] of Object.entries(names)) expect(value, `${entry}.${name}`).toBeDefined();
    }
  });

  it('no entry exports an internal hook or a resolver test hook', () => {
    const offenders: string[] = [];
    for (const [entry, names] of Object.entries(ENTRIES)) {
      for (const [name, value] of Object.entries(names)) {
        if (/^(Kernel|register|setDefault|_)/.test(name)) offenders.push(`${entry}.${name}`);
        // Classes are errors only (and Node's Transform verifier stays behind createVerifier).
        if (typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value)) && !(value.prototype instanceof Error)) {
          offenders.push(`${entry}.${name} is a class`);
        }
        if (typeof value === 'function') {
          const members = [...Object.getOwnPropertyNames(value), ...Object.getOwnPropertyNames(value.prototype ?? {})];
          for (const hook of INTERNAL_HOOKS) if (members.includes(hook)) offenders.push(`${entry}.${name}.${hook}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the objects the factories make do not show the internal hooks either', () => {
    const hasher = root.createTreeHasher();
    // TypeScript hides them; at run time they exist on the one class, but no entry names it.
    expect(Object.keys(hasher)).toEqual([]);
    hasher.digest();
    const manifest = retrieval.createLeafManifest(new Uint8Array(3));
    expect('_leafSpan' in manifest || '_digests' in manifest).toBe(false);
    expect(Object.keys(manifest).sort()).toEqual(['leafCount', 'leafSize', 'size', 'treeHash']);
    const parts = upload.createPartHasher({ partSize: root.MiB });
    expect(Object.keys(parts)).toEqual([]);
    parts.update(new Uint8Array(5));
    parts.finish();
  });
});
