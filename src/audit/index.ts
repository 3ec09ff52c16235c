// glacier-treehash/audit: the vault readers and the matching, universal (no I/O, no node:
// imports). glacier-treehash/node re-exports them beside auditVault, which reads the disk.
export { readVault, detectVaultFormat } from './detect.js';
export { readInventoryJson } from './json.js';
export { readInventoryCsv, splitInventoryCsvLine } from './csv.js';
export { readJournal, readJournalRecords, parseJournalLine, type JournalRecord } from './journal.js';
export { decodeDescription } from './description.js';
export { findDuplicates, nameKey, AUDIT_STATUSES, type AuditResult, type AuditStatus, type LocalFile } from './match.js';
export type { VaultArchive, VaultFormat, InventoryInfo, DescriptionFormat, TextSource } from './types.js';
