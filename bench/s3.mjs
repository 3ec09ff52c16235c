// The `s3` group of bench/run.mjs (BENCH_ONLY=s3): issue 13's targets.
// - The CRC-64/NVME kernel against @aws-sdk/crc64-nvme (the AWS SDK's own, pure JS), one thread,
//   in memory: target ≥ 3×. CRC-32 and CRC-32C against zlib and @aws-crypto/crc32c for reference.
// - `treehash s3`'s work over a cached file (hashFileForS3: tree hash, SHA-256, composite SHA-256,
//   ETag and CRC-64/NVME in one read, both cores) against @aws-sdk/crc64-nvme computing the CRC
//   alone over the same file: target > 1×.
import { crc32c as awsCrc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import * as nodeApi from '../dist/node/index.js';
import * as s3 from '../dist/s3/index.js';

export async function s3Group({ group, row, data, cachedFile, QUICK, MiB }) {
  const bytes = data((QUICK ? 16 : 64) * MiB);
  const awsCrc = async (input) => {
    const hash = new Crc64Nvme();
    hash.update(input);
    return hash.digest();
  };
  if (s3.crc64nvme(bytes) !== new DataView((await awsCrc(bytes)).buffer).getBigUint64(0)) throw new Error('CRC-64/NVME differs from @aws-sdk/crc64-nvme');
  const crcCases = [
    { name: 'glacier-treehash crc64nvme (Wasm kernel)', bytes: bytes.length, fn: () => s3.crc64nvme(bytes) },
    { name: '@aws-sdk/crc64-nvme', bytes: bytes.length, async: true, fn: () => awsCrc(bytes) },
    { name: 'glacier-treehash crc32 (Wasm kernel)', bytes: bytes.length, fn: () => s3.crc32(bytes) },
    { name: 'node:zlib crc32 (native)', bytes: bytes.length, fn: () => zlibCrc32(bytes) },
    { name: 'glacier-treehash crc32c (Wasm kernel)', bytes: bytes.length, fn: () => s3.crc32c(bytes) },
    { name: '@aws-crypto/crc32c', bytes: bytes.length, fn: () => awsCrc32c(bytes) },
  ];
  const m = await group(`S3 CRCs of ${bytes.length / MiB} MiB in memory, one thread`, crcCases);
  row('crc64nvme (Wasm kernel), one thread', m.get(crcCases[0].name), '@aws-sdk/crc64-nvme', m.get(crcCases[1].name), 3.0);
  row('crc32 (Wasm kernel), one thread', m.get(crcCases[2].name), 'node:zlib crc32', m.get(crcCases[3].name));
  row('crc32c (Wasm kernel), one thread', m.get(crcCases[4].name), '@aws-crypto/crc32c', m.get(crcCases[5].name));

  const fileBytes = (QUICK ? 256 : 1024) * MiB;
  const dir = mkdtempSync(join(os.tmpdir(), 'treehash-bench-s3-'));
  try {
    const path = cachedFile(dir, fileBytes);
    const GiB = (fileBytes / 2 ** 30).toFixed(2).replace(/\.?0+$/, '');
    const fileCases = [
      {
        name: 'glacier-treehash hashFileForS3 (tree, SHA-256, composite, ETag, CRC-64/NVME; 8 MiB parts)',
        bytes: fileBytes,
        async: true,
        fn: () => nodeApi.hashFileForS3(path, { partSize: 8 * MiB }),
      },
      {
        name: '@aws-sdk/crc64-nvme alone (read stream, 2 MiB chunks)',
        bytes: fileBytes,
        async: true,
        fn: async () => {
          const hash = new Crc64Nvme();
          for await (const chunk of createReadStream(path, { highWaterMark: 2 * MiB })) hash.update(chunk);
          return hash.digest();
        },
      },
    ];
    const f = await group(`S3: ${GiB} GiB cached temp file, all values in one read vs the AWS SDK's CRC alone`, fileCases);
    row('treehash s3 (hashFileForS3), all values, both cores', f.get(fileCases[0].name), '@aws-sdk/crc64-nvme CRC alone', f.get(fileCases[1].name), 1.0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
