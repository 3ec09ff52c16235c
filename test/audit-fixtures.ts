// Vaults built in the tests: local files in a temporary directory, and the inventories and
// journals that describe them, written here from reference tree hashes (@noble/hashes, via
// test/reference.ts) by encoders of the tests' own (Node's Buffer base64), never by the product.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { referenceTreeHashHex } from './reference.js';

export interface FixtureArchive {
  ArchiveId: string;
  ArchiveDescription: string;
  CreationDate: string;
  Size: number;
  SHA256TreeHash: string;
}

/** An archive of `content` with the given description and date. */
export function archiveOf(id: string, description: string, content: Uint8Array | string, creationDate = '2013-01-15T10:00:00.000Z'): FixtureArchive {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { ArchiveId: id, ArchiveDescription: description, CreationDate: creationDate, Size: bytes.length, SHA256TreeHash: referenceTreeHashHex(bytes) };
}

export function inventoryJson(archives: FixtureArchive[], spaced = false): string {
  const doc = { VaultARN: 'arn:aws:glacier:us-east-1:012345678901:vaults/test', InventoryDate: '2024-01-01T00:00:00Z', ArchiveList: archives };
  return spaced ? JSON.stringify(doc, null, 2) : JSON.stringify(doc);
}

/** A CSV field as Glacier writes it: quoted when it holds a comma or a quote; an inner quote as \", a backslash as it is. */
export function glacierCsvField(value: string, alwaysQuote = false): string {
  return alwaysQuote || /[",]/.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}

export const CSV_COLUMNS = ['ArchiveId', 'ArchiveDescription', 'CreationDate', 'Size', 'SHA256TreeHash'] as const;

export function inventoryCsv(
  archives: FixtureArchive[],
  options: { columns?: readonly string[]; eol?: string; finalNewline?: boolean; quoteAll?: boolean } = {},
): string {
  const columns = options.columns ?? CSV_COLUMNS;
  const eol = options.eol ?? '\n';
  const rows = archives.map((a) =>
    columns.map((c) => glacierCsvField(c in a ? String(a[c as keyof FixtureArchive]) : `extra-${c}`, options.quoteAll)).join(','),
  );
  return [columns.join(','), ...rows].join(eol) + (options.finalNewline === false ? '' : eol);
}

const base64url = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');

/** mt-aws-glacier's description: 'mt2 ' + base64url(UTF-8 JSON). */
export function mt2(filename: string, mtime = '20130115T100000Z'): string {
  return `mt2 ${base64url(JSON.stringify({ mtime, filename }))}`;
}

/** mt1: the JSON's UTF-8 bytes taken as Latin-1 and encoded as UTF-8 again. */
export function mt1(filename: string, mtime = '20130115T100000Z'): string {
  const once = Buffer.from(JSON.stringify({ filename, mtime }), 'utf8');
  return `mt1 ${base64url(Buffer.from(once.toString('latin1'), 'utf8'))}`;
}

export function fastGlacier4(path: string): string {
  return `<m><v>4</v><p>${Buffer.from(path, 'utf8').toString('base64')}</p><lm>20130115T100000Z</lm></m>`;
}

export function fastGlacier1(path: string): string {
  return `<ArchiveMetadata><Path>${Buffer.from(path, 'utf8').toString('base64')}</Path></ArchiveMetadata>`;
}

export function cloudBerry(path: string, key: 'Path' | 'path' = 'Path'): string {
  return JSON.stringify({ [key]: path, UTCDateModified: '20130115T100000Z' });
}

/** Writes files (relative path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, Uint8Array | string>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

/** A 138-character archive ID like Glacier's, from a short tag. */
export function archiveId(tag: string): string {
  return `${tag}-${'x'.repeat(137 - tag.length)}`;
}

/** Chunks of `text` as UTF-8 bytes, cut every `size` bytes (splitting multi-byte characters too). */
export function chunked(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
