// "Which hash is this?": given a checksum someone printed (a Glacier inventory's tree hash, a
// sha256sum line, an S3 ETag or ChecksumSHA256, a CRC) and the bytes it should describe, find
// which kind of value it is by computing every kind its shape allows, in one pass. A `-N` value is
// tried with every part size that cuts the object into N parts: the conventional ones first, then
// every whole MiB from 5 MiB to 5 GiB (up to MAX_PART_SIZE_CANDIDATES of them).
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { type BytesLike, toBytes } from '../core/bytes.js';
import { MiB } from '../core/constants.js';
import { type EngineOptions, type LinearHash, checkEngine, resolveEngine } from '../hash/engine.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { KernelTreeHasher } from '../hash/tree-hasher.js';
import { fromHex, toHex } from '../core/hex.js';
import { fromBase64, toBase64 } from './base64.js';
import { compositeCrc, compositeSha256, multipartEtag } from './checksums.js';
import { type CrcAlgorithm, crcToBytes, crc32, crc32c, crc64nvme } from './crc.js';
import type { S3Natives } from './checksums.js';
import { md5Factory } from './md5.js';
import { S3_MAX_PARTS, candidateS3PartSizes, glacierVaultsToS3PartSize, s3PartCount } from './part-size.js';

/** What a value can be. `-composite` kinds are S3's COMPOSITE multipart checksums. */
export type ChecksumKind =
  'tree-hash' | 'sha256' | 'md5' | 'sha256-composite' | 'etag' | 'crc64nvme' | 'crc32' | 'crc32c' | 'crc32-composite' | 'crc32c-composite';

/** What each kind looks like, for a value that looks like none of them. */
const SHAPES: readonly string[] = Object.freeze([
  'tree-hash, sha256: 64 hex digits or base64 of 32 bytes',
  'md5: 32 hex digits or base64 of 16 bytes',
  'sha256-composite: base64 of 32 bytes, then -N',
  'etag: 32 hex digits, then -N',
  'crc64nvme: base64 of 8 bytes (or 16 hex digits)',
  'crc32, crc32c: base64 of 4 bytes (or 8 hex digits), composite ones then -N',
]);

/** The most part sizes a `-N` value is tried with, beyond the conventional ones. */
export const MAX_PART_SIZE_CANDIDATES = 256;

/** Conventional part sizes, in the order they are tried. */
const CONVENTIONAL: readonly { readonly size: (objectSize: number) => number; readonly label: string }[] = [
  { size: () => 8 * MiB, label: 'aws-cli, boto3' },
  { size: () => 15 * MiB, label: 's3cmd' },
  { size: () => 16 * MiB, label: 'MinIO mc' },
  { size: () => 5 * MiB, label: 'S3 minimum; rclone, AWS SDK for JavaScript lib-storage' },
  { size: glacierVaultsToS3PartSize, label: "AWS's Glacier-vaults-to-S3 solution" },
  { size: () => 4096 * MiB, label: 'Re:Freezer 1.x' },
];

/** One interpretation to test: a kind, the text encoding, and for `-N` kinds a part size. */
export interface IdentifyCandidate {
  readonly kind: ChecksumKind;
  readonly encoding: 'hex' | 'base64';
  readonly partSize?: number;
  /** Human description, e.g. `etag with 8 MiB (8388608 bytes) parts (aws-cli, boto3)`. */
  readonly description: string;
}

/** The outcome: the first candidate that reproduces the value (and others that do too), and everything tried. */
export interface IdentifyResult {
  readonly match?: IdentifyCandidate & { readonly alsoMatches: readonly ChecksumKind[] };
  readonly tried: readonly string[];
  /** Set when the value's shape fits no kind at all. */
  readonly unrecognized?: string;
}

interface Parsed {
  readonly bytes: Uint8Array;
  readonly encoding: 'hex' | 'base64';
  readonly partCount?: number;
}

/** Reads a value as printed: optional quotes (ETags), hex or base64, optional `-N`. */
function parseValue(value: string): Parsed | undefined {
  let text = value.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  const dash = /^(.+)-([1-9]\d{0,4})$/.exec(text);
  const body = dash ? dash[1]! : text;
  const partCount = dash ? Number(dash[2]) : undefined;
  if (partCount !== undefined && partCount > S3_MAX_PARTS) return undefined;
  const extra = partCount === undefined ? {} : { partCount };
  if (/^[0-9a-fA-F]+$/.test(body) && [8, 16, 32, 64].includes(body.length)) return { bytes: fromHex(body), encoding: 'hex', ...extra };
  const bytes = fromBase64(body);
  if (bytes !== undefined && [4, 8, 16, 32].includes(bytes.length)) return { bytes, encoding: 'base64', ...extra };
  return undefined;
}

function partSizesFor(objectSize: number, partCount: number): { size: number; label?: string }[] {
  const out: { size: number; label?: string }[] = [];
  const seen = new Set<number>();
  const consistent = (size: number) => {
    try {
      return s3PartCount(objectSize, size) === partCount;
    } catch {
      return false;
    }
  };
  for (const { size, label } of CONVENTIONAL) {
    const bytes = size(objectSize);
    if (!seen.has(bytes) && consistent(bytes)) (out.push({ size: bytes, label }), seen.add(bytes));
  }
  // One part: every size holding the object cuts it the same way; one is enough.
  if (partCount === 1 && out.length > 0) return out.slice(0, 1);
  for (const size of candidateS3PartSizes(objectSize, partCount).slice(0, MAX_PART_SIZE_CANDIDATES)) {
    if (!seen.has(size)) (out.push({ size }), seen.add(size));
    if (partCount === 1) break;
  }
  return out;
}

function describe(kind: ChecksumKind, encoding: 'hex' | 'base64', partSize?: number, label?: string): string {
  if (partSize === undefined) return `${kind} (${encoding})`;
  return `${kind} with ${formatBytes(partSize)} parts${label ? ` (${label})` : ''}`;
}

/** The candidates a value's shape allows, for an object of `objectSize` bytes. */
export function identifyCandidates(value: string, objectSize: number): IdentifyCandidate[] | undefined {
  const parsed = parseValue(value);
  if (parsed === undefined) return undefined;
  const { bytes, encoding, partCount } = parsed;
  const whole = (kinds: ChecksumKind[]) => kinds.map((kind) => ({ kind, encoding, description: describe(kind, encoding) }));
  const split = (kind: ChecksumKind) =>
    partSizesFor(objectSize, partCount!).map(({ size, label }) => ({ kind, encoding, partSize: size, description: describe(kind, encoding, size, label) }));
  switch (bytes.length) {
    case 32:
      return partCount === undefined ? whole(['sha256', 'tree-hash']) : split('sha256-composite');
    case 16:
      return partCount === undefined ? whole(['md5']) : encoding === 'hex' ? split('etag') : [];
    case 8:
      return whole(['crc64nvme']);
    default:
      return partCount === undefined ? whole(['crc32', 'crc32c']) : [...split('crc32-composite'), ...split('crc32c-composite'), ...whole(['crc32', 'crc32c'])];
  }
}

type PartAlgorithm = 'sha256' | 'md5' | 'crc32' | 'crc32c';
const PART_ALGORITHM: Partial<Record<ChecksumKind, PartAlgorithm>> = {
  'sha256-composite': 'sha256',
  etag: 'md5',
  'crc32-composite': 'crc32',
  'crc32c-composite': 'crc32c',
};

/** One candidate part size's running per-part digests. */
class PartDigests {
  readonly partSize: number;
  readonly #algorithm: PartAlgorithm;
  readonly #newHash: () => { update(bytes: Uint8Array): unknown; digest(): Uint8Array };
  #hash: { update(bytes: Uint8Array): unknown; digest(): Uint8Array } | undefined;
  #crc = 0;
  #fill = 0;
  readonly digests: Uint8Array[] = [];

  constructor(partSize: number, algorithm: PartAlgorithm, newHash: () => { update(bytes: Uint8Array): unknown; digest(): Uint8Array }) {
    this.partSize = partSize;
    this.#algorithm = algorithm;
    this.#newHash = newHash;
  }

  update(bytes: Uint8Array): void {
    for (let offset = 0; offset < bytes.length;) {
      const n = Math.min(bytes.length - offset, this.partSize - this.#fill);
      const piece = bytes.subarray(offset, offset + n);
      if (this.#algorithm === 'crc32') this.#crc = crc32(piece, this.#crc);
      else if (this.#algorithm === 'crc32c') this.#crc = crc32c(piece, this.#crc);
      else (this.#hash ??= this.#newHash()).update(piece);
      this.#fill += n;
      offset += n;
      if (this.#fill === this.partSize) this.#end();
    }
  }

  #end(): void {
    if (this.#algorithm === 'crc32' || this.#algorithm === 'crc32c') this.digests.push(crcToBytes(this.#algorithm, this.#crc));
    else this.digests.push(new Uint8Array((this.#hash ?? this.#newHash()).digest()));
    this.#hash = undefined;
    this.#crc = 0;
    this.#fill = 0;
  }

  /** The multipart value's text (`base64-N` or `hex-N`). */
  finish(engine: EngineOptions): string {
    if (this.#fill > 0 || this.digests.length === 0) this.#end();
    if (this.#algorithm === 'sha256') return compositeSha256(this.digests, engine);
    if (this.#algorithm === 'md5') return multipartEtag(this.digests, engine);
    return compositeCrc(
      this.#algorithm,
      this.digests.map((d) => new DataView(d.buffer).getUint32(0)),
    );
  }
}

/**
 * Finds what kind of checksum a value is for the bytes given to `update()`, computing every
 * candidate in one pass. Made by {@link createChecksumIdentifier}.
 * @example
 * const identifier = createChecksumIdentifier('"9b2cf535f27731c974343645a3985328-5"', size);
 * for (const chunk of chunks) identifier.update(chunk);
 * identifier.finish().match // { kind: 'etag', partSize: 8388608, … }
 */
export interface ChecksumIdentifier {
  /** What will be tried, in order. */
  readonly candidates: readonly IdentifyCandidate[];
  /** Adds bytes (strings as UTF-8). */
  update(data: BytesLike): this;
  /** Compares every candidate with the value. @throws {TreeHashError} `ERR_SIZE_MISMATCH` when the bytes were not `objectSize`. */
  finish(): IdentifyResult;
}

/**
 * A {@link ChecksumIdentifier} for `value` over an object of `objectSize` bytes (the size fixes the
 * part sizes a `-N` value is tried with).
 * @throws {TreeHashError} `ERR_INVALID_INPUT` (a value that is not a string), `ERR_INVALID_SIZE`, `ERR_INVALID_OPTION`.
 */
export function createChecksumIdentifier(value: string, objectSize: number, options?: EngineOptions): ChecksumIdentifier {
  return new Identifier(value, objectSize, options);
}

/** @internal The {@link ChecksumIdentifier}; `natives` from the Node adapters. */
export class Identifier implements ChecksumIdentifier {
  readonly candidates: readonly IdentifyCandidate[];
  readonly #value: string;
  readonly #parsed: Parsed | undefined;
  readonly #engine: EngineOptions;
  readonly #objectSize: number;
  readonly #tree: KernelTreeHasher | undefined;
  readonly #linear: LinearHash | undefined;
  readonly #md5: { update(bytes: Uint8Array): unknown; digest(): Uint8Array } | undefined;
  readonly #crcs = new Map<CrcAlgorithm, bigint | number>();
  readonly #parts = new Map<string, PartDigests>();
  #size = 0;

  /** `natives`: node:crypto's SHA-256 and MD5, handed in by the Node adapters. */
  constructor(value: string, objectSize: number, options: EngineOptions = {}, natives: S3Natives = {}) {
    if (typeof value !== 'string') throw new TreeHashError('ERR_INVALID_INPUT', `the value to identify must be a string, got ${describeValue(value)}`);
    if (!Number.isSafeInteger(objectSize) || objectSize < 0) {
      throw new TreeHashError('ERR_INVALID_SIZE', `the object size must be a non-negative safe integer, got ${describeValue(objectSize)}`);
    }
    const engine = checkEngine(options.engine);
    this.#engine = options.engine === undefined ? {} : { engine };
    this.#value = value;
    this.#objectSize = objectSize;
    this.#parsed = parseValue(value);
    this.candidates = identifyCandidates(value, objectSize) ?? [];
    const kinds = new Set(this.candidates.map((c) => c.kind));
    const native = resolveEngine(engine, 'unsaved', natives.sha256).native;
    if (kinds.has('tree-hash') || kinds.has('sha256')) {
      this.#tree = new KernelTreeHasher({ engine, linear: native === undefined });
      this.#linear = native?.();
    }
    if (kinds.has('md5')) this.#md5 = md5Factory(engine, natives.md5)();
    for (const algorithm of ['crc64nvme', 'crc32', 'crc32c'] as const) if (kinds.has(algorithm)) this.#crcs.set(algorithm, algorithm === 'crc64nvme' ? 0n : 0);
    const newMd5 = md5Factory(engine, natives.md5);
    // Without node:crypto, @noble/hashes: one Wasm kernel per candidate would pin 4 MiB each.
    const newSha = native ?? (() => nobleSha256.create());
    for (const candidate of this.candidates) {
      const algorithm = PART_ALGORITHM[candidate.kind];
      if (algorithm === undefined || candidate.partSize === undefined) continue;
      this.#parts.set(`${candidate.kind}:${candidate.partSize}`, new PartDigests(candidate.partSize, algorithm, algorithm === 'md5' ? newMd5 : newSha));
    }
  }

  update(data: BytesLike): this {
    const bytes = toBytes(data);
    this.#size += bytes.length;
    this.#tree?.update(bytes);
    this.#linear?.update(bytes);
    this.#md5?.update(bytes);
    for (const [algorithm, value] of this.#crcs) {
      this.#crcs.set(
        algorithm,
        algorithm === 'crc64nvme' ? crc64nvme(bytes, value as bigint) : algorithm === 'crc32' ? crc32(bytes, value as number) : crc32c(bytes, value as number),
      );
    }
    for (const parts of this.#parts.values()) parts.update(bytes);
    return this;
  }

  finish(): IdentifyResult {
    if (this.#size !== this.#objectSize) {
      throw new TreeHashError('ERR_SIZE_MISMATCH', `identify was told the object is ${this.#objectSize} bytes, but ${this.#size} were given`);
    }
    const parsed = this.#parsed;
    if (parsed === undefined) {
      return {
        tried: SHAPES,
        unrecognized: `${JSON.stringify(this.#value)} is not a checksum S3 or Glacier prints: hex or base64 of 4, 8, 16 or 32 bytes, optionally followed by -N (N ≤ ${S3_MAX_PARTS})`,
      };
    }
    const encode = (bytes: Uint8Array) => (parsed.encoding === 'hex' ? toHex(bytes) : toBase64(bytes));
    const wanted = encode(parsed.bytes);
    const whole: Partial<Record<ChecksumKind, string>> = {};
    if (this.#tree) {
      if (this.#linear) {
        whole['tree-hash'] = encode(this.#tree.digest());
        whole.sha256 = encode(new Uint8Array(this.#linear.digest()));
      } else {
        const { treeHash, sha256: linear } = this.#tree.digestChecksums();
        whole['tree-hash'] = encode(treeHash);
        whole.sha256 = encode(linear);
      }
    }
    if (this.#md5) whole.md5 = encode(this.#md5.digest());
    for (const [algorithm, value] of this.#crcs) whole[algorithm] = encode(crcToBytes(algorithm, value as never));
    const matches: IdentifyCandidate[] = [];
    for (const candidate of this.candidates) {
      const parts = candidate.partSize === undefined ? undefined : this.#parts.get(`${candidate.kind}:${candidate.partSize}`);
      const got = parts ? parts.finish(this.#engine).replace(/-\d+$/, '') : whole[candidate.kind];
      if (got === wanted) matches.push(candidate);
    }
    const tried = this.candidates.map((c) => c.description);
    const first = matches[0];
    if (first === undefined) return { tried };
    return {
      match: {
        ...first,
        alsoMatches: [
          ...new Set(
            matches
              .slice(1)
              .map((m) => m.kind)
              .filter((kind) => kind !== first.kind),
          ),
        ],
      },
      tried,
    };
  }
}
