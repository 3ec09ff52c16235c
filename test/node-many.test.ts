// Many files over every core (hashFiles, and `treehash hash` / `check` on it), the `workers`
// option, and files that are not what their size says: pseudo-files read to EOF (/proc/version
// says 0 bytes), files that grow, shrink or are written to while hashed (ERR_FILE_CHANGED).
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterAll, describe, expect, it } from 'vitest';
import { TreeHashError } from '../src/index.js';
import { hashFile } from '../src/node/files.js';
import { hashFiles } from '../src/node/many.js';
import { hashFileParts } from '../src/node/parts.js';
import { caughtAsync, randomBytes } from './helpers.js';
import { MIB, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-many-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HAS_PROC_VERSION = (() => {
  try {
    return readFileSync('/proc/version').length > 0;
  } catch {
    return false;
  }
})();

// Sizes around the leaf, the one-leaf shortcut and the worker's hand-back to the main thread (32 MiB).
const SIZES = [0, 1, 1000, MIB - 1, MIB, MIB + 1, 2 * MIB, 3 * MIB + 5, 33 * MIB + 7];
const files = Array.from({ length: 40 }, (_, i) => {
  const size = SIZES[i % SIZES.length]! + (i >= SIZES.length && SIZES[i % SIZES.length]! < MIB ? i : 0);
  const data = randomBytes(size, i + 1);
  const path = join(dir, `file-${i}.bin`);
  writeFileSync(path, data);
  return { path, data };
});
const missing = join(dir, 'missing.bin');
const subdir = join(dir, 'a-directory');
mkdirSync(subdir);

describe('hashFiles', () => {
  it('hashes every file in list order, with errors in place, as hashFile would (linear and tree only)', async () => {
    const paths = [...files.slice(0, 20).map((f) => f.path), missing, ...files.slice(20).map((f) => f.path), subdir, files[3]!.path];
    for (const linear of [true, false]) {
      const seen = [];
      for await (const result of hashFiles(paths, { linear })) seen.push(result);
      expect(seen.map((r) => r.path)).toEqual(paths);
      for (const [i, result] of seen.entries()) {
        const path = paths[i]!;
        const file = files.find((f) => f.path === path);
        if (file === undefined) {
          // The same error as hashFile's: code, message and the fs error's code.
          const expected = await caughtAsync(() => hashFile(path));
          expect(result.error).toBeInstanceOf(TreeHashError);
          expect((result.error as TreeHashError).code).toBe(expected.code);
          expect(result.error!.message).toBe(expected.message);
          expect((result.error as TreeHashError).cause).toMatchObject({ code: (expected.cause as NodeJS.ErrnoException).code });
          continue;
        }
        expect(result.error).toBeUndefined();
        if (result.error !== undefined) continue;
        expect(result.size).toBe(file.data.length);
        expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(file.data));
        if (linear) expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(file.data));
        else expect(result.sha256).toBeUndefined();
      }
    }
  });

  it('a short list and a capped worker count give the same results; bad options are refused', async () => {
    const paths = files.slice(0, 5).map((f) => f.path);
    const few = [];
    for await (const result of hashFiles(paths, { workers: 1 })) few.push(result);
    expect(few.map((r) => (r.error ? 'error' : bytesToHex(r.treeHash)))).toEqual(files.slice(0, 5).map((f) => referenceTreeHashHex(f.data)));
    const many = [];
    for await (const result of hashFiles(
      files.map((f) => f.path),
      { workers: 1, linear: false },
    ))
      many.push(result);
    expect(many.map((r) => (r.error ? 'error' : bytesToHex(r.treeHash)))).toEqual(files.map((f) => referenceTreeHashHex(f.data)));
    for (const workers of [0, -1, 1.5, '2']) {
      const error = await caughtAsync(async () => {
        for await (const _ of hashFiles(paths, { workers: workers as number }));
      });
      expect(error.code).toBe('ERR_INVALID_OPTION');
    }
  });

  it.skipIf(!HAS_PROC_VERSION)('reads a pseudo-file (/proc/version, size 0) to its end, in a worker and on this thread', async () => {
    const expected = readFileSync('/proc/version');
    const paths = [...files.slice(0, 20).map((f) => f.path), '/proc/version'];
    let last;
    for await (const result of hashFiles(paths)) last = result;
    expect(last!.error).toBeUndefined();
    expect(last!.error === undefined && bytesToHex(last!.treeHash)).toBe(referenceTreeHashHex(expected));
    const single = await hashFile('/proc/version');
    expect(single.size).toBe(expected.length);
    expect(bytesToHex(single.treeHash)).toBe(referenceTreeHashHex(expected));
    expect(bytesToHex(single.sha256)).toBe(referenceSha256Hex(expected));
    const parts = await hashFileParts('/proc/version', { partSize: MIB }).done();
    expect(bytesToHex(parts.treeHash)).toBe(referenceTreeHashHex(expected));
  });
});

describe('a file that changes while it is hashed', () => {
  // The change is made from the progress callback, between two reads.
  const sizes = [3 * MIB + 1, 12 * MIB + 3]; // this thread reads / the pool reads
  const changes: Record<string, (path: string) => void> = {
    grows: (path) => appendFileSync(path, 'more'),
    shrinks: (path) => truncateSync(path, MIB),
    'is written to': (path) => {
      const fd = openSync(path, 'r+');
      writeSync(fd, Uint8Array.of(1, 2, 3), 0, 3, 0);
      closeSync(fd);
    },
  };
  // Tree only, the pool's workers hash what they read at once (readAndWork): the same checks hold.
  for (const [size, linear] of [...sizes.map((size) => [size, true] as const), [12 * MIB + 3, false] as const]) {
    for (const [what, change] of Object.entries(changes)) {
      it(`hashFile of ${size} bytes${linear ? '' : ', tree only'}: ERR_FILE_CHANGED when it ${what}`, async () => {
        const path = join(dir, `changing-${size}.bin`);
        writeFileSync(path, randomBytes(size, 7));
        let done = false;
        const error = await caughtAsync(() =>
          hashFile(path, {
            linear,
            onProgress: () => {
              if (!done) change(path);
              done = true;
            },
          }),
        );
        expect(error.code).toBe('ERR_FILE_CHANGED');
        expect(error.message).toContain(path);
      });
    }
  }

  it('hashFileParts: ERR_FILE_CHANGED when the file grows; a range that ends earlier is not affected', async () => {
    const path = join(dir, 'changing-parts.bin');
    const data = randomBytes(20 * MIB, 9);
    writeFileSync(path, data);
    let done = false;
    const hashing = hashFileParts(path, { partSize: MIB, onProgress: () => void (done || (appendFileSync(path, 'x'), (done = true))) });
    expect((await caughtAsync(() => hashing.done())).code).toBe('ERR_FILE_CHANGED');
    writeFileSync(path, data);
    done = false;
    const ranged = await hashFile(path, { start: 0, end: MIB - 1, onProgress: () => void (done || (appendFileSync(path, 'x'), (done = true))) });
    expect(bytesToHex(ranged.treeHash)).toBe(referenceTreeHashHex(data.subarray(0, MIB)));
  });
});

describe('the pool shared', () => {
  it('calls at once share the workers; a consumer that holds each part longer than the idle time gets the same result', async () => {
    const data = [randomBytes(12 * MIB + 1, 21), randomBytes(9 * MIB, 22), randomBytes(17 * MIB + 5, 23)];
    const paths = data.map((bytes, i) => {
      const path = join(dir, `shared-${i}.bin`);
      writeFileSync(path, bytes);
      return path;
    });
    const results = await Promise.all([hashFile(paths[0]!), hashFile(paths[1]!, { linear: false }), hashFileParts(paths[2]!, { partSize: 4 * MIB }).done()]);
    expect(results.map((r) => bytesToHex(r.treeHash))).toEqual(data.map((bytes) => referenceTreeHashHex(bytes)));
    expect(bytesToHex(results[0]!.sha256!)).toBe(referenceSha256Hex(data[0]!));
    expect(bytesToHex(results[2]!.sha256!)).toBe(referenceSha256Hex(data[2]!));
    // The workers leave a run idle for 20 ms (the whole-file hash's holder too) and come back.
    const slow = hashFileParts(paths[2]!, { partSize: 2 * MIB });
    for await (const _part of slow) await new Promise((resolve) => setTimeout(resolve, 60));
    const done = await slow.done();
    expect(bytesToHex(done.treeHash)).toBe(referenceTreeHashHex(data[2]!));
    expect(bytesToHex(done.sha256!)).toBe(referenceSha256Hex(data[2]!));
  });
});

describe('the workers option', () => {
  it('caps the worker threads one hashFile uses; a bad value is ERR_INVALID_OPTION', async () => {
    const path = join(dir, 'workers.bin');
    const data = randomBytes(10 * MIB, 11);
    writeFileSync(path, data);
    const api = new URL('../dist/node/index.js', import.meta.url).href;
    const pool = new URL('../dist/node/pool/index.js', import.meta.url).href;
    const script = `import { hashFile } from ${JSON.stringify(api)}; import { poolWorkers, cores } from ${JSON.stringify(pool)};
      const a = await hashFile(${JSON.stringify(path)}, { linear: false, workers: 1 }); const one = poolWorkers().length;
      const b = await hashFile(${JSON.stringify(path)}, { linear: false }); const all = poolWorkers().length;
      console.log(Buffer.from(a.treeHash).toString('hex') === Buffer.from(b.treeHash).toString('hex'), one, all === cores());`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('true 1 true');
    for (const workers of [0, 2.5, 'all', null]) {
      expect((await caughtAsync(() => hashFile(path, { workers: workers as number }))).code).toBe('ERR_INVALID_OPTION');
    }
    expect(bytesToHex((await hashFile(path, { workers: 64 })).treeHash)).toBe(referenceTreeHashHex(data));
  });
});

describe('treehash hash and check over many files', () => {
  const cli = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', maxBuffer: 64 * MIB });

  it('hash: lines in argument order, errors on stderr in place, standard input in its turn, exit 2', () => {
    const operands = [...files.slice(0, 10).map((f) => f.path), missing, '-', ...files.slice(10, 25).map((f) => f.path), subdir];
    const run = cli(['hash', ...operands], 'from stdin');
    expect(run.status).toBe(2);
    const expected = operands.flatMap((path) => {
      if (path === '-') return [`${referenceTreeHashHex(new TextEncoder().encode('from stdin'))}  -`];
      const file = files.find((f) => f.path === path);
      return file ? [`${referenceTreeHashHex(file.data)}  ${path}`] : [];
    });
    expect(run.stdout).toBe(`${expected.join('\n')}\n`);
    expect(run.stderr).toBe(`treehash: ${missing}: No such file or directory\ntreehash: ${subdir}: Is a directory\n`);
  });

  it('check: verdicts in line order, a mismatch and an unreadable file reported as for one file at a time', () => {
    const lines = files.slice(0, 30).map((f, i) => `${i === 7 ? '0'.repeat(64) : referenceTreeHashHex(f.data)}  ${f.path}`);
    lines.splice(12, 0, `${'1'.repeat(64)}  ${missing}`);
    const sums = join(dir, 'SUMS');
    writeFileSync(sums, `${lines.join('\n')}\n`);
    const run = cli(['check', sums]);
    expect(run.status).toBe(2);
    const verdicts = files.slice(0, 30).map((f, i) => `${f.path}: ${i === 7 ? 'FAILED' : 'OK'}`);
    verdicts.splice(12, 0, `${missing}: FAILED open or read`);
    expect(run.stdout).toBe(`${verdicts.join('\n')}\n`);
    expect(run.stderr).toBe(
      `treehash: ${missing}: No such file or directory\ntreehash: WARNING: 1 listed file could not be read\ntreehash: WARNING: 1 computed checksum did NOT match\n`,
    );
  });

  it.skipIf(!HAS_PROC_VERSION)('hash /proc/version prints the hash of its content, not of nothing', () => {
    const run = cli(['hash', '/proc/version']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${referenceTreeHashHex(readFileSync('/proc/version'))}  /proc/version\n`);
  });
});
