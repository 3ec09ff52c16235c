// Groups of bench/run.mjs for the worker pool (issue 14): the limits hashFile is measured against,
// worker scaling, many small files against GNU sha256sum, and stream-chunker against the hasher's
// own alignment. Each takes the runner's helpers (group, row, …) so that rounds, medians and the
// summary table work as for every other group.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import chunker from 'stream-chunker';

const MiB = 1024 * 1024;
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/**
 * The limits, from memory: `leafWorkers` worker threads hash the 1 MiB leaves of a shared buffer
 * (interleaved), and with `linear` the main thread runs node:crypto's SHA-256 over the whole
 * buffer at the same time. The concurrent limit (linear + leaves in N - 1 workers) is what hashFile
 * with both hashes can reach on N cores; leaves alone in N workers, what tree-only can.
 */
export function memoryLimits(bytes, maxWorkers) {
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  // With a file, each worker reads its own leaves (positional reads into a buffer of its own, no
  // hand-over at all) before hashing them: the ceiling of any tree hash of a file that must be read.
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { createHash } = require('node:crypto');
    const { closeSync, openSync, readSync } = require('node:fs');
    const bytes = new Uint8Array(workerData.shared);
    const own = new Uint8Array(${MiB});
    parentPort.on('message', ({ index, stride, file, size }) => {
      if (file === undefined) {
        for (let leaf = index; leaf * ${MiB} < bytes.length; leaf += stride) {
          createHash('sha256').update(bytes.subarray(leaf * ${MiB}, (leaf + 1) * ${MiB})).digest();
        }
      } else {
        const fd = openSync(file, 'r');
        for (let leaf = index; leaf * ${MiB} < size; leaf += stride) {
          const n = readSync(fd, own, 0, ${MiB}, leaf * ${MiB});
          createHash('sha256').update(own.subarray(0, n)).digest();
        }
        closeSync(fd);
      }
      parentPort.postMessage(0);
    });`;
  const workers = Array.from({ length: maxWorkers }, () => new Worker(source, { eval: true, workerData: { shared } }));
  const leaves = (count, file) =>
    Promise.all(
      workers.slice(0, count).map((w, index) => new Promise((resolve) => (w.once('message', resolve), w.postMessage({ index, stride: count, ...file })))),
    );
  return {
    bytes: bytes.length,
    /** Leaves in `count` workers while this thread runs the linear SHA-256 (when `linear`). */
    run: async (count, linear) => {
      const done = leaves(count);
      if (linear) createHash('sha256').update(bytes).digest();
      await done;
    },
    /** Leaves of the file at `path` (`size` bytes), each read by the worker that hashes it, in `count` workers. */
    readAndHash: (count, path, size) => leaves(count, { file: path, size }),
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

/** Worker counts to show: 1, 2, 4, … up to `max`, and `max`. */
export function workerSteps(max) {
  const steps = [];
  for (let n = 1; n < max; n *= 2) steps.push(n);
  steps.push(max);
  return steps;
}

/** hashFile against the limits of the same run, and its scaling with `workers`. */
export async function poolGroup({ group, row, nodeApi, path, fileBytes, inMemory, rounds }) {
  const cores = os.availableParallelism();
  const limits = memoryLimits(inMemory, cores);
  const GiB = (fileBytes / 2 ** 30).toFixed(2).replace(/\.?0+$/, '');
  const concurrent = `limit: node:crypto linear on this thread + leaves in ${Math.max(1, cores - 1)} worker(s), in memory`;
  const allCores = `limit: node:crypto leaves in ${cores} workers, in memory`;
  const readCeiling = `ceiling: ${cores} workers each read (pread) and hash their own leaves, no hand-over`;
  const cases = [
    { name: concurrent, bytes: limits.bytes, async: true, fn: () => limits.run(Math.max(1, cores - 1), true) },
    { name: 'hashFile (linear + tree)', bytes: fileBytes, async: true, fn: () => nodeApi.hashFile(path) },
    { name: allCores, bytes: limits.bytes, async: true, fn: () => limits.run(cores, false) },
    { name: 'hashFile tree only (linear: false)', bytes: fileBytes, async: true, fn: () => nodeApi.hashFile(path, { linear: false }) },
    { name: readCeiling, bytes: fileBytes, async: true, fn: () => limits.readAndHash(cores, path, fileBytes) },
  ];
  for (const workers of workerSteps(cores)) {
    cases.push({
      name: `hashFile tree only, workers: ${workers}`,
      bytes: fileBytes,
      async: true,
      fn: () => nodeApi.hashFile(path, { linear: false, workers }),
    });
  }
  for (const workers of workerSteps(Math.max(1, cores - 1))) {
    cases.push({ name: `hashFile linear + tree, workers: ${workers}`, bytes: fileBytes, async: true, fn: () => nodeApi.hashFile(path, { workers }) });
  }
  const m = await group(`Pool: hashFile of a ${GiB} GiB cached file against the limits measured in the same run (${cores} cores)`, cases, rounds);
  await limits.close();
  row('hashFile (linear + tree) / concurrent limit', m.get(cases[1].name), concurrent, m.get(concurrent), 0.85);
  row('hashFile tree only / leaves on every core', m.get(cases[3].name), allCores, m.get(allCores), 0.9);
  // What reading costs: the page-cache copy is in every file hash and in no in-memory limit.
  row('read ceiling / leaves on every core', m.get(readCeiling), allCores, m.get(allCores));
  row('hashFile tree only / read ceiling', m.get(cases[3].name), readCeiling, m.get(readCeiling));
  const one = m.get('hashFile tree only, workers: 1');
  for (const workers of workerSteps(cores).slice(1))
    row(`hashFile tree only, workers: ${workers}`, m.get(`hashFile tree only, workers: ${workers}`), 'workers: 1', one);
}

/** Writes `count` files of 1 KiB–256 KiB (a fixed pseudo-random spread) into a new temp dir. */
function smallFiles(count) {
  const dir = mkdtempSync(join(os.tmpdir(), 'treehash-many-'));
  const buffer = new Uint8Array(256 * 1024);
  randomFillSync(buffer);
  let seed = 12345;
  const names = [];
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const size = 1024 + Math.floor((seed / 2 ** 31) * 255 * 1024);
    buffer[0] = i & 255;
    buffer[1] = i >> 8;
    const name = `f${String(i).padStart(5, '0')}`;
    writeFileSync(join(dir, name), buffer.subarray(0, size));
    names.push(name);
  }
  for (const name of names) readFileSync(join(dir, name)); // into the page cache
  return { dir, names };
}

/** Seconds one command takes (spawned, output discarded), or undefined when it cannot run. */
function seconds(command, args, cwd) {
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * MiB });
  if (run.error || (run.status !== 0 && run.status !== 1)) return undefined;
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** `treehash hash` and `check` over many small files against GNU sha256sum, side by side, rounds interleaved. */
export async function manyGroup({ row, median, rounds, count }) {
  const gnu = spawnSync('sha256sum', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0];
  console.log(`\n## Many small files: ${count} files of 1 KiB–256 KiB (page cache), wall time of the whole command; ${gnu ?? 'no sha256sum here'}`);
  const { dir, names } = smallFiles(count);
  try {
    // Names go in by the shell-free argument list; a loop in one node process is the floor of per-file work.
    const loop = `const {readFileSync}=require('fs');const {createHash}=require('crypto');for(const f of process.argv.slice(1))createHash('sha256').update(readFileSync(f)).digest();`;
    writeFileSync(join(dir, 'TREE'), execFileSync(process.execPath, [CLI, 'hash', ...names], { cwd: dir, maxBuffer: 64 * MiB }));
    if (gnu) writeFileSync(join(dir, 'GNU'), execFileSync('sha256sum', names, { cwd: dir, maxBuffer: 64 * MiB }));
    const cases = {
      'treehash hash': () => seconds(process.execPath, [CLI, 'hash', ...names], dir),
      sha256sum: () => (gnu ? seconds('sha256sum', names, dir) : undefined),
      'treehash check': () => seconds(process.execPath, [CLI, 'check', '--quiet', 'TREE'], dir),
      'sha256sum -c': () => (gnu ? seconds('sha256sum', ['-c', '--quiet', 'GNU'], dir) : undefined),
      'node loop: readFileSync + node:crypto, one thread': () => seconds(process.execPath, ['-e', loop, ...names], dir),
    };
    const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, fn] of Object.entries(cases)) {
        const s = fn();
        if (s !== undefined) samples[name].push(s);
      }
      process.stderr.write(`  round ${round + 1}/${rounds} done\n`);
    }
    const m = new Map(
      Object.entries(samples)
        .filter(([, v]) => v.length > 0)
        .map(([name, v]) => [name, median(v)]),
    );
    for (const [name, s] of m) console.log(`  ${name.padEnd(50)} ${s.toFixed(2).padStart(6)} s  (rounds: ${samples[name].map((v) => v.toFixed(2)).join(' ')})`);
    // Rates are files per second, so that "ratio" reads as "times as fast".
    const rate = (name) => (m.has(name) ? count / m.get(name) : undefined);
    if (m.has('sha256sum')) {
      row(`treehash hash, ${count} small files (files/s)`, rate('treehash hash'), 'sha256sum', rate('sha256sum'), 2.0);
      row(`treehash check, ${count} small files (files/s)`, rate('treehash check'), 'sha256sum -c', rate('sha256sum -c'), 2.0);
    }
    row('node loop, one thread (files/s)', rate('node loop: readFileSync + node:crypto, one thread'), 'sha256sum', rate('sha256sum'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 64 KiB reads re-chunked to 1 MiB by stream-chunker into node:crypto, against the hasher aligning the same pieces itself. */
export async function chunkerGroup({ group, row, core, nodeApi, bytes, rounds }) {
  const piece = 64 * 1024;
  const pieces = Array.from({ length: bytes.length / piece }, (_, i) => bytes.subarray(i * piece, (i + 1) * piece));
  const viaChunker = async () => {
    const linear = createHash('sha256');
    const leaves = [];
    // through2 (readable-stream 2) streams are not async-iterable: events, as its users write it.
    await new Promise((resolve, reject) => {
      const chunks = Readable.from(pieces).pipe(chunker(MiB, { flush: true }));
      chunks.on('data', (leaf) => {
        leaves.push(createHash('sha256').update(leaf).digest());
        linear.update(leaf);
      });
      chunks.on('end', resolve);
      chunks.on('error', reject);
    });
    core.combineTreeHashes(leaves.map((digest) => new Uint8Array(digest)));
    return linear.digest();
  };
  const cases = [
    { name: 'stream-chunker 1 MiB -> node:crypto per leaf + linear', bytes: bytes.length, async: true, fn: viaChunker },
    {
      name: 'createChecksums (own alignment), same 64 KiB pieces',
      bytes: bytes.length,
      fn: () => {
        const hasher = core.createChecksums();
        for (const p of pieces) hasher.update(p);
        hasher.digestChecksums();
      },
    },
    { name: 'hashStream (pool), same 64 KiB pieces', bytes: bytes.length, async: true, fn: () => nodeApi.hashStream(Readable.from(pieces)) },
  ];
  const m = await group(`Why not stream-chunker: ${bytes.length / MiB} MiB in memory as 64 KiB reads, tree + linear SHA-256`, cases, rounds);
  const peer = m.get(cases[0].name);
  row('own alignment, one thread (createChecksums)', m.get(cases[1].name), 'stream-chunker + node:crypto', peer);
  row('own alignment, pool (hashStream)', m.get(cases[2].name), 'stream-chunker + node:crypto', peer);
}
