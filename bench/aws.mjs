// glacier-treehash/aws against the AWS SDK's own Node generator (@aws-sdk/body-checksum-node, the
// default of @aws-sdk/client-glacier), side by side on the same bodies. Run after `npm run build`:
//   node bench/aws.mjs [sizeMiB=256]
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodyChecksumGenerator as sdkGenerator } from '@aws-sdk/body-checksum-node';
import { Hash, fromUtf8 } from '@smithy/core/serde';
import { bodyChecksumGenerator as ours } from '../dist/node/aws.js';
import { hashFileParts } from '../dist/node/parts.js';
import { hashFile } from '../dist/node/index.js';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 256);
const size = sizeMiB * MIB;
const dir = mkdtempSync(join(tmpdir(), 'treehash-bench-'));
const path = join(dir, 'body.bin');
const data = new Uint8Array(size);
for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >>> 20)) & 0xff;
writeFileSync(path, data);
const sdkOptions = { sha256: Hash.bind(null, 'sha256'), utf8Decoder: fromUtf8 };

async function time(label, fn, runs = 3) {
  let best = Infinity;
  let result;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    result = await fn();
    best = Math.min(best, performance.now() - t);
  }
  const mbps = size / 1e6 / (best / 1000);
  console.log(`${label.padEnd(52)} ${best.toFixed(0).padStart(6)} ms  ${mbps.toFixed(0).padStart(5)} MB/s`);
  return { best, result };
}

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, body ${sizeMiB} MiB`);
try {
  for (const [kind, makeBody] of [
    ['Uint8Array', () => data],
    ['fs.ReadStream', () => createReadStream(path)],
  ]) {
    const a = await time(`SDK body-checksum-node, ${kind}`, () => sdkGenerator({ body: makeBody() }, sdkOptions));
    const b = await time(`glacier-treehash/aws, ${kind}`, () => ours({ body: makeBody() }));
    if (JSON.stringify(a.result) !== JSON.stringify(b.result)) throw new Error(`results differ: ${a.result} vs ${b.result}`);
    console.log(`  → glacier-treehash/aws is ${(a.best / b.best).toFixed(2)}× the SDK's speed (same headers)`);
  }
  await time('hashFile (tree + linear), file', () => hashFile(path));
  for (const partSize of [8 * MIB, 64 * MIB]) {
    await time(`hashFileParts ${partSize / MIB} MiB parts (+ whole sha256), file`, () => hashFileParts(path, { partSize }).done());
    await time(`hashFileParts ${partSize / MIB} MiB parts, linear: false`, () => hashFileParts(path, { partSize, linear: false }).done());
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
