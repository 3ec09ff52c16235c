// The vault readers and the matching, universal (no I/O, no node: imports): re-exported by
// glacier-treehash/node beside auditVault, and ready to be an entry of their own.
export { readVault, detectVaultFormat } from './detect.js';
export { readInventoryJson } from './json.js';
export { readInventoryCsv, splitInventoryCsvLine } from './csv.js';
export { readJournal, readJournalRecords, parseJournalLine, type JournalRecord } from './journal.js';
export { decodeDescription } from './description.js';
export { findDuplicates, nameKey, AUDIT_STATUSES, type AuditResult, type AuditStatus, type LocalFile } from './match.js';
export type { VaultArchive, VaultFormat, InventoryInfo, DescriptionFormat, TextSource } from './types.js';
