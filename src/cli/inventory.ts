// `treehash inventory INVENTORY DIR [--by name|content] [--json]`: which local files under DIR
// are in the vault intact, which differ, what is missing on either side. INVENTORY is a Glacier
// inventory (JSON or CSV) or an mt-aws-glacier journal, told apart by content; `-` is stdin.
// Exit 0 when every archive and every local file is ok, 1 when anything else was found, 2 on a
// usage error, an unreadable or malformed inventory, or a local file that could not be read.
import { type Command, Option } from 'commander';
import { type AuditResult, type AuditStatus, AUDIT_STATUSES } from '../audit/match.js';
import { auditVault } from '../node/audit.js';
import { TreeHashError } from '../core/errors.js';
import { EXIT_ERROR, EXIT_MISMATCH, printFailure } from './errors.js';
import { LineWriter } from './output.js';
import { FORCE_PROGRESS_HELP, type ProgressBar, startProgressBar } from './progress.js';
import { quoteFileName } from './sums.js';

interface InventoryOptions {
  by: 'name' | 'content';
  json?: boolean;
  progress: boolean;
  forceProgress?: boolean;
}

/** The JSON line of a result: status, path and archiveId first. */
export function resultJson(result: AuditResult): string {
  const { status, path, archiveId, ...rest } = result;
  return JSON.stringify({ status, path, archiveId, ...rest });
}

const shortId = (id: string): string => (id.length > 20 ? `${id.slice(0, 20)}…` : id);

/** One row of the readable table: the status, the path (shell-quoted when it needs it), then what differs. */
export function resultRow(result: AuditResult): string {
  const details: string[] = [];
  if (result.archiveId !== undefined) details.push(`archive ${shortId(result.archiveId)}`);
  if (result.status === 'size-mismatch' || result.local === 'size-mismatch') details.push(`${result.localSize} bytes here, ${result.size} in the vault`);
  if (result.status === 'treehash-mismatch' || result.local === 'treehash-mismatch')
    details.push(`tree hash ${result.localTreeHash}, vault ${result.treeHash}`);
  if (result.duplicateOf !== undefined)
    details.push(`duplicate of ${shortId(result.duplicateOf)}${result.local === undefined ? '' : ` (local file: ${result.local})`}`);
  if (result.error !== undefined) details.push(result.error);
  const path = result.path === undefined ? '(no name)' : quoteFileName(result.path);
  return `${result.status.padEnd(17)}  ${path}${details.length > 0 ? `  ${details.join('; ')}` : ''}`;
}

export function register(program: Command): void {
  program
    .command('inventory')
    .description('check the files under DIR against a vault inventory (JSON or CSV) or an mt-aws-glacier journal (exit 0 all ok, 1 differences, 2 error)')
    .argument('<inventory>', 'the inventory or journal (format recognised from its content); - reads standard input')
    .argument('<dir>', 'the directory whose files the vault should hold')
    .addOption(new Option('--by <how>', 'match archives to files by decoded name, or by size and tree hash alone').choices(['name', 'content']).default('name'))
    .option('--json', 'one JSON object per line: {"status","path","archiveId",...}')
    .option('--no-progress', 'no progress bar (by default one is drawn on stderr when it is a terminal)')
    .option('--force-progress', FORCE_PROGRESS_HELP)
    .addHelpText(
      'after',
      `
Statuses: ok; treehash-mismatch; size-mismatch (decided without hashing);
missing (an archive with no local file); not-in-vault (a local file no archive
matches); duplicate (the same size and tree hash as an earlier archive, named in
duplicateOf); unreadable (a local file that could not be read).

Names come from the journal, or from each archive's description: mt-aws-glacier
(mt1, mt2), FastGlacier, CloudBerry, else the description itself; backslashes
become "/". With --by content every local file of an archive's size is hashed and
matched on size and tree hash, for vaults whose descriptions name nothing.

Exit status: 0 every archive and every local file is ok; 1 anything else was
found; 2 usage error, unreadable or malformed inventory, unreadable local file.`,
    )
    .action(async (inventoryPath: string, dir: string, options: InventoryOptions) => {
      const counts = new Map<AuditStatus, number>(AUDIT_STATUSES.map((s) => [s, 0]));
      let bar: ProgressBar | undefined;
      const out = new LineWriter();
      let archives = 0;
      let files = 0;
      let flushed = Date.now();
      try {
        const results = auditVault(inventoryPath === '-' ? process.stdin : inventoryPath, dir, {
          by: options.by,
          onInventory: (info) => {
            archives = info.archives;
            files = info.files;
            if (info.bytesToHash > 0) {
              bar = startProgressBar(`${files} files`, { progress: options.progress, forceProgress: options.forceProgress === true });
            }
          },
          onProgress: (progress) => bar?.onProgress(progress),
        });
        for await (const result of results) {
          counts.set(result.status, counts.get(result.status)! + 1);
          await out.line(options.json ? resultJson(result) : resultRow(result));
          // Rows show as they are known, without a write per row for a vault of millions.
          if (Date.now() - flushed >= 100) {
            bar?.clear();
            await out.flush();
            flushed = Date.now();
          }
        }
        bar?.stop();
        bar = undefined;
        if (!options.json) {
          const width = Math.max(...AUDIT_STATUSES.map((s) => s.length));
          const lines = [`\n${archives} archives in the vault, ${files} files under ${quoteFileName(dir)}:`];
          for (const status of AUDIT_STATUSES) lines.push(`  ${status.padEnd(width)}  ${counts.get(status)}`);
          await out.write(`${lines.join('\n')}\n`);
        }
      } catch (error) {
        // An inventory that cannot be opened (a directory, say) is named here: its error has no path of its own.
        const path = ((error as TreeHashError).cause as { path?: unknown } | undefined)?.path;
        if (!(error instanceof TreeHashError) || error.code !== 'ERR_READ_FAILED' || typeof path === 'string') throw error;
        printFailure(inventoryPath === '-' ? 'standard input' : inventoryPath, error);
        return;
      } finally {
        bar?.stop();
        await out.close();
      }
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      if (counts.get('unreadable')! > 0) process.exitCode = EXIT_ERROR;
      else if (counts.get('ok')! !== total) process.exitCode = EXIT_MISMATCH;
    });
}
