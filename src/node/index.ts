// glacier-treehash/node: files and Node streams.
export { hashFile, hashStream, type HashFileOptions } from './files.js';
export type { HashStreamOptions, TreeChecksum } from '../stream/chunks.js';
export type { HashProgress, ProgressCallback } from '../stream/progress.js';
export { PROGRESS_STEP } from '../stream/progress.js';
export { createVerifier, type TreeHashVerifier } from './verify.js';
export { manifestOfFile, readLeafManifest, writeLeafManifest, type ManifestOfFileOptions } from './manifest.js';
export { hashFileParts } from './parts.js';
export { nodeSha256 } from './crypto.js';
export { auditVault, type AuditOptions, type AuditFileHasher } from './audit.js';
export { readVault, detectVaultFormat } from '../audit/detect.js';
export { readInventoryJson } from '../audit/json.js';
export { readInventoryCsv, splitInventoryCsvLine } from '../audit/csv.js';
export { readJournal, readJournalRecords, parseJournalLine, type JournalRecord } from '../audit/journal.js';
export { decodeDescription } from '../audit/description.js';
export { VaultMatcher, findDuplicates, nameKey, AUDIT_STATUSES, type AuditResult, type AuditStatus, type LocalFile } from '../audit/match.js';
export type { VaultArchive, VaultFormat, InventoryInfo, DescriptionFormat, TextSource } from '../audit/types.js';
