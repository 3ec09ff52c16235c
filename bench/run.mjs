// `npm run bench`: throughput of glacier-treehash's public API (the built dist/) against its peers,
// measured side by side in one run. Every case is timed with benchmark.js; rounds are interleaved
// (case A, B, C, then A, B, C again) so that a burst of load from other processes hits all cases
// alike, and the table shows each case's median over the rounds, plus ratios taken within the run.
//
//   BENCH_QUICK=1 npm run bench   smaller inputs and 3 rounds (about 2 minutes)
//   BENCH_ROUNDS=N                rounds (default 5; 3 quick)
//   BENCH_ONLY=kernel,linear,incremental,file,pool,many,chunker,parts,rss,inventory,browser,s3   run some groups only
//   BENCH_MANY_FILES=N            files in the many-files group (default 10000; 2000 quick)
import Benchmark from 'benchmark';
import { createHash, randomFillSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createSHA256 } from 'hash-wasm';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { TreeHash as AwsTreeHash } from '@aws-sdk/sha256-tree-hash';
import { bodyChecksumGenerator } from '@aws-sdk/body-checksum-node';
import { Hash as SmithyHash } from '@smithy/hash-node';
import { fromUtf8 } from '@smithy/util-utf8';
import * as core from '../dist/index.js';
import * as nodeApi from '../dist/node/index.js';
import * as upload from '../dist/upload/index.js';
import { measureInChromium } from './browser.mjs';
import { chunkerGroup, manyGroup, poolGroup } from './pool.mjs';
import { s3Group } from './s3.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 3 : 5));
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const MiB = 1024 * 1024;
const MEMORY_BYTES = (QUICK ? 16 : 64) * MiB;
const FILE_BYTES = (QUICK ? 256 : 1024) * MiB;
const PARTS_FILE_BYTES = (QUICK ? 256 : 1024) * MiB;
const PARTS_MEMORY_BYTES = (QUICK ? 64 : 256) * MiB;
const PART_SIZE = (QUICK ? 16 : 64) * MiB;
const RSS_SIZES = QUICK ? [64 * MiB, 1024 * MiB] : [256 * MiB, 4096 * MiB];

// What the AWS SDK's Glacier client passes in Node: @smithy/hash-node's Hash (node:crypto inside).
const AwsSha256 = SmithyHash.bind(null, 'sha256');
const awsChecksumOptions = { sha256: AwsSha256, utf8Decoder: fromUtf8 };

const engines = typeof core.ENGINES === 'object' ? core.ENGINES : undefined;

function machine() {
  const cpus = os.cpus();
  return [
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}`,
    `node ${process.version} (V8 ${process.versions.v8}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `rounds: ${ROUNDS} interleaved${QUICK ? ' (quick mode)' : ''}; MB = 10^6 bytes`,
  ].join('\n');
}

/** Times one case once with benchmark.js; returns MB/s. */
function time(fn, bytes, async) {
  return new Promise((resolve, reject) => {
    const bench = new Benchmark(
      async
        ? {
            defer: true,
            fn: (deferred) => fn().then(() => deferred.resolve(), reject),
            // One 1 GiB file pass takes seconds: a couple of samples per round is plenty.
            minSamples: 2,
            maxTime: 0,
            initCount: 1,
          }
        : { fn, minSamples: 3, maxTime: QUICK ? 0.3 : 0.6 },
    );
    bench.on('complete', () => {
      if (bench.error) reject(bench.error);
      else resolve(bytes / bench.stats.mean / 1e6);
    });
    bench.on('error', () => reject(bench.error));
    bench.run({ async: true });
  });
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs the cases of a group in interleaved rounds; returns name → median MB/s. */
async function group(title, cases, rounds = ROUNDS) {
  console.log(`\n## ${title}`);
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) samples.get(c.name).push(await time(c.fn, c.bytes, c.async === true));
    process.stderr.write(`  round ${round + 1}/${rounds} done\n`);
  }
  const medians = new Map([...samples].map(([name, values]) => [name, median(values)]));
  const width = Math.max(...cases.map((c) => c.name.length));
  for (const c of cases) {
    const values = samples.get(c.name);
    console.log(`  ${c.name.padEnd(width)}  ${medians.get(c.name).toFixed(0).padStart(6)} MB/s  (rounds: ${values.map((v) => v.toFixed(0)).join(' ')})`);
  }
  return medians;
}

const results = []; // rows of the final table: what, MB/s, ratio, target

function row(what, value, peerName, peerValue, target) {
  const ratio = peerValue === undefined ? undefined : value / peerValue;
  results.push({ what, value, peerName, ratio, target, met: target === undefined || ratio === undefined ? undefined : ratio >= target });
}

function data(bytes) {
  const out = new Uint8Array(bytes);
  for (let offset = 0; offset < bytes; offset += 65536) randomFillSync(out.subarray(offset, offset + 65536));
  return out;
}

const leaves = (bytes) => Array.from({ length: bytes.length / MiB }, (_, i) => bytes.subarray(i * MiB, (i + 1) * MiB));
const engineOptions = (engine) => (engine === undefined ? undefined : { engine });
// Engines the build offers (after the engines work); otherwise the default path only.
const ENGINE_CASES = engines ? ['wasm', 'wasm-scalar', 'native', 'auto'] : [undefined];
// Issue 3's targets for the incremental and file groups are for default options: the other
// engines' rows are printed for comparison, without a target.
const isDefaultEngine = (name) => name.includes('engine=auto') || !name.includes('engine=');
const label = (engine) => (engine === undefined ? 'glacier-treehash' : `glacier-treehash engine=${engine}`);

async function kernelGroup() {
  const bytes = data(MEMORY_BYTES);
  const parts = leaves(bytes);
  const hw = await createSHA256();
  const expected = createHash('sha256').update(parts[0]).digest('hex');
  if (Buffer.from(hw.init().update(parts[0]).digest('binary')).toString('hex') !== expected) throw new Error('hash-wasm disagrees');
  const cases = [
    ...ENGINE_CASES.filter((e) => e !== 'native' && e !== 'auto').map((engine) => ({
      name: `${label(engine)} treeHash (1 MiB leaves)`,
      bytes: bytes.length,
      fn: () => core.treeHash(bytes, engineOptions(engine)),
    })),
    { name: 'hash-wasm SHA-256 per 1 MiB leaf', bytes: bytes.length, fn: () => parts.forEach((p) => hw.init().update(p).digest('binary')) },
    { name: '@noble/hashes SHA-256 per 1 MiB leaf', bytes: bytes.length, fn: () => parts.forEach((p) => nobleSha256(p)) },
    { name: 'node:crypto SHA-256 per 1 MiB leaf', bytes: bytes.length, fn: () => parts.forEach((p) => createHash('sha256').update(p).digest()) },
  ];
  const m = await group(`Kernel: SHA-256 over 1 MiB leaves (tree hash of ${bytes.length / MiB} MiB in memory, one thread)`, cases);
  const peer = m.get('hash-wasm SHA-256 per 1 MiB leaf');
  for (const c of cases.slice(0, -3)) row(c.name, m.get(c.name), 'hash-wasm', peer, c.name.includes('scalar') ? 1.0 : 2.0);
  row('@noble/hashes per leaf', m.get(cases.at(-2).name), 'hash-wasm', peer);
  row('node:crypto per leaf, one core', m.get(cases.at(-1).name), 'hash-wasm', peer);
}

async function linearGroup() {
  const bytes = data(MEMORY_BYTES);
  const hw = await createSHA256();
  const cases = [
    { name: 'glacier-treehash sha256 (Wasm kernel)', bytes: bytes.length, fn: () => core.sha256(bytes, { engine: 'wasm' }) },
    ...(engines ? [{ name: 'glacier-treehash sha256 engine=auto', bytes: bytes.length, fn: () => core.sha256(bytes) }] : []),
    { name: 'hash-wasm SHA-256', bytes: bytes.length, fn: () => hw.init().update(bytes).digest('binary') },
    { name: '@noble/hashes SHA-256', bytes: bytes.length, fn: () => nobleSha256(bytes) },
    { name: 'node:crypto SHA-256', bytes: bytes.length, fn: () => createHash('sha256').update(bytes).digest() },
  ];
  const m = await group(`Linear SHA-256 of ${bytes.length / MiB} MiB in memory, one thread`, cases);
  const peer = m.get('hash-wasm SHA-256');
  row('sha256() linear, Wasm kernel', m.get(cases[0].name), 'hash-wasm', peer, 1.0);
  return m.get('node:crypto SHA-256');
}

async function incrementalGroup() {
  const bytes = data(MEMORY_BYTES);
  const cases = [];
  for (const piece of [64 * 1024, 16 * 1024]) {
    const pieces = Array.from({ length: bytes.length / piece }, (_, i) => bytes.subarray(i * piece, (i + 1) * piece));
    const kib = `${piece / 1024} KiB`;
    for (const engine of ENGINE_CASES) {
      cases.push({
        name: `${label(engine)} createTreeHasher, ${kib} pieces`,
        bytes: bytes.length,
        fn: () => {
          const hasher = core.createTreeHasher(engineOptions(engine));
          for (const p of pieces) hasher.update(p);
          hasher.digest();
        },
      });
    }
    cases.push({
      name: `@aws-sdk/sha256-tree-hash, ${kib} pieces`,
      bytes: bytes.length,
      async: true,
      fn: async () => {
        const hasher = new AwsTreeHash(AwsSha256, fromUtf8);
        for (const p of pieces) hasher.update(p);
        await hasher.digest();
      },
    });
  }
  const m = await group(`Incremental tree hash of ${bytes.length / MiB} MiB in memory, fed in pieces`, cases);
  for (const kib of ['64 KiB', '16 KiB']) {
    const peer = m.get(`@aws-sdk/sha256-tree-hash, ${kib} pieces`);
    for (const c of cases.filter((x) => x.name.includes(kib) && x.name.startsWith('glacier'))) {
      row(c.name, m.get(c.name), '@aws-sdk/sha256-tree-hash', peer, kib === '16 KiB' && isDefaultEngine(c.name) ? 4.0 : undefined);
    }
  }
}

/** node:crypto over the 1 MiB leaves of `bytes` in two worker threads: the two-core ceiling. */
async function twoWorkerCrypto(bytes) {
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { createHash } = require('node:crypto');
    const bytes = new Uint8Array(workerData.shared);
    parentPort.on('message', () => {
      for (let leaf = workerData.index; leaf * ${MiB} < bytes.length; leaf += 2) {
        createHash('sha256').update(bytes.subarray(leaf * ${MiB}, (leaf + 1) * ${MiB})).digest();
      }
      parentPort.postMessage(0);
    });`;
  const workers = [0, 1].map((index) => new Worker(source, { eval: true, workerData: { shared, index } }));
  const run = () =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve) => {
            w.once('message', resolve);
            w.postMessage(0);
          }),
      ),
    );
  return { run, close: () => Promise.all(workers.map((w) => w.terminate())) };
}

/** Writes `bytes` pseudo-random bytes to a temp file and reads it once, so it is in the page cache. */
function cachedFile(dir, bytes) {
  const path = join(dir, 'data.bin');
  const fd = openSync(path, 'w');
  const chunk = data(16 * MiB);
  for (let written = 0; written < bytes; written += chunk.length) {
    chunk[0] = written / chunk.length; // no two chunks alike
    writeSync(fd, chunk);
  }
  closeSync(fd);
  const warm = Buffer.allocUnsafe(MiB);
  const rfd = openSync(path, 'r');
  while (readSync(rfd, warm, 0, MiB, null) > 0);
  closeSync(rfd);
  return path;
}

async function fileGroup(nodeOneCore) {
  const dir = mkdtempSync(join(os.tmpdir(), 'treehash-bench-'));
  try {
    const path = cachedFile(dir, FILE_BYTES);
    const inMemory = data(Math.min(FILE_BYTES, 256 * MiB));
    const pair = await twoWorkerCrypto(inMemory);
    const GiB = (FILE_BYTES / 2 ** 30).toFixed(2).replace(/\.?0+$/, '');
    const cases = [];
    // 'native' runs the same worker path as 'auto', and 'wasm-scalar' the same read loop as 'wasm'.
    const fileEngines = ENGINE_CASES.filter((e) => e !== 'native' && e !== 'wasm-scalar');
    for (const engine of fileEngines) {
      cases.push({
        name: `${label(engine)} hashFile (linear + tree)`,
        bytes: FILE_BYTES,
        async: true,
        fn: () => nodeApi.hashFile(path, engineOptions(engine)),
      });
    }
    for (const engine of fileEngines) {
      cases.push({
        name: `${label(engine)} hashFile tree only (linear: false)`,
        bytes: FILE_BYTES,
        async: true,
        fn: () => nodeApi.hashFile(path, { ...engineOptions(engine), linear: false }),
      });
    }
    cases.push({
      name: '@aws-sdk/body-checksum-node (linear + tree)',
      bytes: FILE_BYTES,
      async: true,
      fn: () => bodyChecksumGenerator({ body: { path } }, awsChecksumOptions),
    });
    cases.push({
      name: 'node:crypto, 2 worker threads, 1 MiB leaves in memory',
      bytes: inMemory.length,
      async: true,
      fn: () => pair.run(),
    });
    const m = await group(`Files: ${GiB} GiB cached temp file (and the node:crypto ceilings)`, cases);
    await pair.close();
    const aws = m.get('@aws-sdk/body-checksum-node (linear + tree)');
    const workers = m.get('node:crypto, 2 worker threads, 1 MiB leaves in memory');
    for (const c of cases.filter((x) => x.name.includes('(linear + tree)') && x.name.startsWith('glacier'))) {
      const targeted = isDefaultEngine(c.name);
      row(c.name, m.get(c.name), '@aws-sdk/body-checksum-node', aws, targeted ? 4.5 : undefined);
      if (nodeOneCore !== undefined) row(c.name, m.get(c.name), 'node:crypto one core, in memory', nodeOneCore, targeted ? 0.85 : undefined);
    }
    for (const c of cases.filter((x) => x.name.includes('tree only'))) {
      row(c.name, m.get(c.name), 'node:crypto in 2 workers', workers, isDefaultEngine(c.name) ? 0.8 : undefined);
    }
    row('node:crypto, 2 worker threads', workers, 'node:crypto one core', nodeOneCore);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** node:crypto's SHA-256 of a whole file through a read stream (what a peer adds for the archive's linear hash). */
async function nodeFileSha256(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 2 * MiB })) hash.update(chunk);
  return hash.digest();
}

/** Combined throughput of running two passes one after the other. */
const serial = (a, b) => 1 / (1 / a + 1 / b);

async function partsGroup() {
  const dir = mkdtempSync(join(os.tmpdir(), 'treehash-bench-'));
  try {
    const path = cachedFile(dir, PARTS_FILE_BYTES);
    const bytes = data(PARTS_MEMORY_BYTES);
    const partSize = PART_SIZE;
    const fileParts = upload.planParts(PARTS_FILE_BYTES, partSize).parts;
    const memoryParts = upload.planParts(bytes.length, partSize).parts;
    // The archive tree hash both ways, checked once before timing.
    const ours = await nodeApi.hashFileParts(path, { partSize }).done();
    const awsHashes = [];
    for (const p of fileParts) awsHashes.push((await bodyChecksumGenerator({ body: { path, start: p.start, end: p.end } }, awsChecksumOptions))[1]);
    if (core.toHex(upload.archiveTreeHashFromParts(awsHashes, { partSize, archiveSize: PARTS_FILE_BYTES })) !== core.toHex(ours.treeHash)) {
      throw new Error('the AWS SDK per-part hashes disagree with hashFileParts');
    }
    const fileMiB = PARTS_FILE_BYTES / MiB;
    const cases = [
      {
        name: 'glacier-treehash hashFileParts (parts + whole SHA-256)',
        bytes: PARTS_FILE_BYTES,
        async: true,
        fn: () => nodeApi.hashFileParts(path, { partSize }).done(),
      },
      {
        name: 'glacier-treehash hashFileParts linear: false (parts only)',
        bytes: PARTS_FILE_BYTES,
        async: true,
        fn: () => nodeApi.hashFileParts(path, { partSize, linear: false }).done(),
      },
      {
        name: '@aws-sdk/body-checksum-node per part ({ path, start, end })',
        bytes: PARTS_FILE_BYTES,
        async: true,
        fn: async () => {
          for (const p of fileParts) await bodyChecksumGenerator({ body: { path, start: p.start, end: p.end } }, awsChecksumOptions);
        },
      },
      { name: 'node:crypto whole-file SHA-256 (read stream)', bytes: PARTS_FILE_BYTES, async: true, fn: () => nodeFileSha256(path) },
      {
        name: 'glacier-treehash hashParts(bytes) (parts + whole SHA-256)',
        bytes: bytes.length,
        async: true,
        fn: () => upload.hashParts(bytes, { partSize }).done(),
      },
      {
        name: 'glacier-treehash hashParts(bytes) linear: false',
        bytes: bytes.length,
        async: true,
        fn: () => upload.hashParts(bytes, { partSize, linear: false }).done(),
      },
      // The whole-archive SHA-256 from a supplied node:crypto hash, fed alongside the parts (the default hashes it as parts are yielded).
      {
        name: 'glacier-treehash hashParts(bytes) linear: nodeSha256',
        bytes: bytes.length,
        async: true,
        fn: () => upload.hashParts(bytes, { partSize, linear: nodeApi.nodeSha256 }).done(),
      },
      {
        name: '@aws-sdk/body-checksum-node per part (bytes)',
        bytes: bytes.length,
        async: true,
        fn: async () => {
          for (const p of memoryParts) await bodyChecksumGenerator({ body: bytes.subarray(p.start, p.end + 1) }, awsChecksumOptions);
        },
      },
      { name: 'node:crypto SHA-256 of the bytes', bytes: bytes.length, fn: () => createHash('sha256').update(bytes).digest() },
    ];
    const m = await group(`Multipart part hashing: ${fileMiB} MiB cached file and ${bytes.length / MiB} MiB in memory, ${partSize / MiB} MiB parts`, cases);
    const get = (i) => m.get(cases[i].name);
    const awsFile = get(2);
    const awsFileWhole = serial(get(2), get(3));
    const awsMemory = get(7);
    const awsMemoryWhole = serial(get(7), get(8));
    console.log(
      `  AWS per part + node:crypto whole SHA-256, one after the other: file ${awsFileWhole.toFixed(0)} MB/s, bytes ${awsMemoryWhole.toFixed(0)} MB/s`,
    );
    console.log(
      `  hashFileParts: ${(get(0) / awsFileWhole).toFixed(2)}× AWS per part + whole SHA-256; linear: false ${(get(1) / awsFile).toFixed(2)}× AWS per part`,
    );
    console.log(
      `  hashParts(bytes): ${(get(4) / awsMemoryWhole).toFixed(2)}× AWS per part + whole SHA-256 (${(get(6) / awsMemoryWhole).toFixed(2)}× with linear: nodeSha256); ` +
        `linear: false ${(get(5) / awsMemory).toFixed(2)}× AWS per part`,
    );
    row('hashFileParts, parts + whole SHA-256', get(0), 'AWS per part + node:crypto whole', awsFileWhole);
    row('hashFileParts, parts + whole SHA-256', get(0), 'node:crypto whole file alone', get(3));
    row('hashFileParts, linear: false', get(1), '@aws-sdk/body-checksum-node per part', awsFile);
    row('hashParts(bytes), parts + whole SHA-256', get(4), 'AWS per part + node:crypto whole', awsMemoryWhole);
    row('hashParts(bytes), parts + whole SHA-256 on node:crypto (linear: nodeSha256)', get(6), 'AWS per part + node:crypto whole', awsMemoryWhole);
    row('hashParts(bytes), linear: false', get(5), '@aws-sdk/body-checksum-node per part', awsMemory);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rssGroup() {
  console.log('\n## Peak RSS of hashFile (default options), each in a fresh child process');
  const dir = mkdtempSync(join(os.tmpdir(), 'treehash-rss-'));
  const child = fileURLToPath(new URL('./rss-child.mjs', import.meta.url));
  try {
    const peaks = [];
    for (const size of RSS_SIZES) {
      // Sparse: reads return zeros at page-cache speed, and no disk space is used.
      const path = join(dir, `sparse-${size}`);
      const fd = openSync(path, 'w');
      ftruncateSync(fd, size);
      closeSync(fd);
      const rounds = [];
      for (let round = 0; round < Math.min(ROUNDS, 3); round++) {
        rounds.push(JSON.parse(execFileSync(process.execPath, [child, path], { encoding: 'utf8' })));
      }
      const peak = median(rounds.map((r) => r.maxRssKiB)) / 1024;
      const baseline = median(rounds.map((r) => r.baselineRssKiB)) / 1024;
      peaks.push(peak);
      console.log(
        `  ${(size / MiB).toString().padStart(5)} MiB file: peak RSS ${peak.toFixed(1)} MiB (node alone ${baseline.toFixed(1)} MiB; ${median(rounds.map((r) => r.mbPerSecond)).toFixed(0)} MB/s)`,
      );
    }
    const [small, large] = peaks;
    const names = RSS_SIZES.map((s) => `${s / MiB} MiB`);
    results.push({
      what: `peak RSS ${names[1]} / ${names[0]}`,
      text: `${large.toFixed(1)} / ${small.toFixed(1)} MiB = ${(large / small).toFixed(2)}×`,
      met: large / small <= 1.1 && large <= 100,
      target: '≤ 1.1× and ≤ 100 MiB',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const INVENTORY_ARCHIVES = 1_000_000;

/** Writes a JSON inventory of `count` archives shaped like Glacier's (138-character IDs, ISO dates with milliseconds). */
async function writeInventory(path, count) {
  const out = createWriteStream(path);
  const write = async (text) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"VaultARN":"arn:aws:glacier:us-east-1:012345678901:vaults/bench","InventoryDate":"2024-01-01T00:00:00Z","ArchiveList":[');
  const batch = [];
  for (let i = 0; i < count; i++) {
    const id = `${i.toString(36).padStart(8, '0')}-`.repeat(16).slice(0, 138);
    const hash = ((i * 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(8);
    const date = `2013-0${1 + (i % 9)}-15T17:19:46.${String(i % 1000).padStart(3, '0')}Z`;
    batch.push(
      `{"ArchiveId":"${id}","ArchiveDescription":"backup/2013/photos/IMG_${i}.jpg","CreationDate":"${date}","Size":${1 + ((i * 7919) % 100_000_000)},"SHA256TreeHash":"${hash}"}`,
    );
    if (batch.length === 10_000) await write((i + 1 > batch.length ? ',' : '') + batch.splice(0).join(','));
  }
  if (batch.length > 0) await write((count > batch.length ? ',' : '') + batch.join(','));
  await write(']}');
  out.end();
  await once(out, 'finish');
}

async function inventoryGroup() {
  console.log(
    `\n## Reading a JSON inventory of ${INVENTORY_ARCHIVES.toLocaleString('en')} archives (readInventoryJson, streamed), each in a fresh child process`,
  );
  const dir = mkdtempSync(join(os.tmpdir(), 'treehash-inventory-'));
  const child = fileURLToPath(new URL('./inventory-child.mjs', import.meta.url));
  try {
    const path = join(dir, 'inventory.json');
    await writeInventory(path, INVENTORY_ARCHIVES);
    const size = statSync(path).size;
    const rounds = [];
    for (let round = 0; round < Math.min(ROUNDS, 3); round++) {
      const result = JSON.parse(execFileSync(process.execPath, [child, path], { encoding: 'utf8' }));
      if (result.archives !== INVENTORY_ARCHIVES) throw new Error(`read ${result.archives} archives, wrote ${INVENTORY_ARCHIVES}`);
      rounds.push(result);
    }
    const seconds = median(rounds.map((r) => r.seconds));
    const peak = median(rounds.map((r) => r.maxRssKiB)) / 1024;
    const baseline = median(rounds.map((r) => r.baselineRssKiB)) / 1024;
    console.log(
      `  ${(size / 1e6).toFixed(0)} MB of JSON: ${seconds.toFixed(2)} s (${(size / seconds / 1e6).toFixed(0)} MB/s, ${(INVENTORY_ARCHIVES / seconds / 1000).toFixed(0)}k archives/s), peak RSS ${peak.toFixed(1)} MiB (node alone ${baseline.toFixed(1)} MiB); rounds: ${rounds.map((r) => r.seconds.toFixed(2)).join(' ')} s`,
    );
    results.push({
      what: `read a ${INVENTORY_ARCHIVES / 1e6}M-archive JSON inventory (${(size / 1e6).toFixed(0)} MB)`,
      text: `${seconds.toFixed(2)} s, peak RSS ${peak.toFixed(1)} MiB`,
      met: peak <= 128,
      target: 'peak RSS ≤ 128 MiB',
    });
    await auditSmallFiles(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** auditVault over many small files (the page cache warm): the default (hashFiles) against hashFile plugged in, four at a time. */
async function auditSmallFiles(dir) {
  const count = QUICK ? 200 : 1000;
  const size = 256 * 1024;
  const files = join(dir, 'files');
  mkdirSync(files);
  const bytes = data(size);
  for (let i = 0; i < count; i++) {
    bytes[0] = i & 0xff;
    bytes[1] = i >> 8;
    writeFileSync(join(files, `f${i}.bin`), bytes);
  }
  // One archive of that size: by content, every file is hashed (and found not in the vault).
  const archives = [{ archiveId: 'x', size, treeHash: '00'.repeat(32), creationDate: '2024-01-01T00:00:00Z', creationTime: 0, name: '' }];
  const viaHashFile = (path, options) => nodeApi.hashFile(path, { linear: false, ...options });
  const cases = [
    { name: `auditVault, ${count} files of 256 KiB by content (default: hashFiles on the pool)`, options: {} },
    { name: `auditVault, ${count} files of 256 KiB by content, hashFile plugged in, four at a time`, options: { hashFile: viaHashFile, concurrency: 4 } },
  ].map((c) => ({
    name: c.name,
    bytes: count * size,
    async: true,
    fn: async () => {
      let n = 0;
      for await (const result of nodeApi.auditVault(archives, files, { by: 'content', ...c.options })) n += result.status === 'not-in-vault' ? 1 : 0;
      if (n !== count) throw new Error(`audited ${n} files, expected ${count}`);
    },
  }));
  const m = await group(`auditVault over ${count} small files (page cache warm)`, cases);
  row('auditVault, many small files (default)', m.get(cases[0].name), 'hashFile plugged in, four at a time', m.get(cases[1].name));
}

async function browserGroup() {
  const megabytes = MEMORY_BYTES / MiB;
  console.log(`\n## Kernel in Chromium: tree hash of ${megabytes} MiB in memory and linear SHA-256, one thread`);
  const measured = await measureInChromium({ megabytes, rounds: ROUNDS, minMillis: QUICK ? 300 : 600 });
  if (measured === undefined) return;
  const { version, results: samples } = measured;
  console.log(`  Chromium ${version}`);
  const m = new Map(Object.entries(samples).map(([name, values]) => [name, median(values)]));
  const width = Math.max(...[...m.keys()].map((name) => name.length));
  for (const [name, values] of Object.entries(samples)) {
    console.log(`  ${name.padEnd(width)}  ${m.get(name).toFixed(0).padStart(6)} MB/s  (rounds: ${values.map((v) => v.toFixed(0)).join(' ')})`);
  }
  const leafPeer = m.get('hash-wasm SHA-256 per 1 MiB leaf');
  row('Chromium: engine=wasm treeHash (SIMD)', m.get('glacier-treehash engine=wasm treeHash (1 MiB leaves)'), 'hash-wasm', leafPeer, 2.0);
  row('Chromium: engine=wasm-scalar treeHash', m.get('glacier-treehash engine=wasm-scalar treeHash (1 MiB leaves)'), 'hash-wasm', leafPeer, 1.0);
  row('Chromium: sha256() linear, Wasm kernel', m.get('glacier-treehash sha256 (Wasm kernel)'), 'hash-wasm', m.get('hash-wasm SHA-256 linear'), 1.0);
}

console.log(machine());
const want = (name) => ONLY === undefined || ONLY.has(name);
if (want('kernel')) await kernelGroup();
let nodeOneCore;
if (want('linear') || want('file')) nodeOneCore = await linearGroup();
if (want('incremental')) await incrementalGroup();
if (want('file')) await fileGroup(nodeOneCore);
if (want('pool')) {
  const dir = mkdtempSync(join(os.tmpdir(), 'treehash-bench-'));
  try {
    const path = cachedFile(dir, FILE_BYTES);
    await poolGroup({ group, row, nodeApi, path, fileBytes: FILE_BYTES, inMemory: data(Math.min(FILE_BYTES, 256 * MiB)), rounds: ROUNDS });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (want('many')) await manyGroup({ row, median, rounds: ROUNDS, count: Number(process.env.BENCH_MANY_FILES ?? (QUICK ? 2000 : 10000)) });
if (want('chunker')) await chunkerGroup({ group, row, core, nodeApi, bytes: data(MEMORY_BYTES), rounds: ROUNDS });
if (want('parts')) await partsGroup();
if (want('rss')) rssGroup();
if (want('inventory')) await inventoryGroup();
if (want('browser')) await browserGroup();
if (want('s3')) await s3Group({ group, row, data, cachedFile, QUICK, MiB });

console.log('\n## Summary (medians; ratios within this run)');
console.log('| what | MB/s | vs | ratio | target | met |');
console.log('|---|---:|---|---:|---:|:-:|');
for (const r of results) {
  if (r.text !== undefined) {
    console.log(`| ${r.what} | | | ${r.text} | ${r.target} | ${r.met ? 'yes' : 'NO'} |`);
    continue;
  }
  const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`;
  const target = r.target === undefined ? '' : `≥ ${r.target.toFixed(2)}×`;
  const met = r.met === undefined ? '' : r.met ? 'yes' : 'NO';
  console.log(`| ${r.what} | ${r.value.toFixed(0)} | ${r.peerName ?? ''} | ${ratio} | ${target} | ${met} |`);
}
