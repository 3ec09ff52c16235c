// What the vault readers produce (src/audit/): one record per archive, the same for a Glacier
// inventory (JSON or CSV) and a replayed mt-aws-glacier journal. No I/O, no node: imports.

/** A stream of text: chunks of UTF-8 bytes or strings (a Node read stream, a Web ReadableStream, an array, a generator). */
export type TextSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> | ReadableStream<string | Uint8Array>;

/** Where a vault listing came from; {@link readVault} tells them apart by their content. */
export type VaultFormat = 'inventory-json' | 'inventory-csv' | 'journal';

/** How an archive description named its file (see `decodeDescription`). */
export type DescriptionFormat = 'mt2' | 'mt1' | 'fastglacier' | 'fastglacier-v1' | 'cloudberry' | 'plain';

/** One archive in the vault. */
export interface VaultArchive {
  readonly archiveId: string;
  /** Bytes (a non-negative safe integer). */
  readonly size: number;
  /** The archive's tree hash, 64 lowercase hex digits. */
  readonly treeHash: string;
  /** When it was uploaded, ISO 8601 as the inventory gave it (a journal's Unix time converted to UTC). */
  readonly creationDate: string;
  /** {@link creationDate} in milliseconds since the epoch: what orders duplicates. */
  readonly creationTime: number;
  /** The raw `ArchiveDescription` (inventories only). */
  readonly description?: string;
  /**
   * The file name it stands for: the journal's name, or the name decoded from the description
   * (relative, `/`-separated: backslashes become `/`, leading `/` and `./` are dropped). Empty
   * when the description is empty.
   */
  readonly name: string;
  /** How the description named the file (`plain`: the description itself); absent for a journal. */
  readonly nameFormat?: DescriptionFormat;
  /** Where it was read: the 1-based line (CSV, journal) or the 0-based byte offset of its entry (JSON). */
  readonly line?: number;
  readonly offset?: number;
}

/** The header of a JSON inventory (its other top-level members are not kept). */
export interface InventoryInfo {
  vaultArn?: string;
  inventoryDate?: string;
}
