// The example page: hash a chosen or dropped file with glacier-treehash, off the main thread.
// Built with esbuild from the package's own entries (`npm run example`); see README.md.
import { TreeHashError, engineInfo, toHex } from 'glacier-treehash';
import { assertTreeHashEquals } from 'glacier-treehash/retrieval';
import { VALID_PART_SIZES, choosePartSize } from 'glacier-treehash/upload';
import { hashBlob, hashBlobParts } from 'glacier-treehash/web';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = $<HTMLInputElement>('file');
const drop = $<HTMLLabelElement>('drop');
const partSizeSelect = $<HTMLSelectElement>('part-size');
const expectedInput = $<HTMLInputElement>('expected');
const progress = $<HTMLProgressElement>('progress');
const status = $<HTMLParagraphElement>('status');

const MiB = 1024 * 1024;
const formatSize = (bytes: number) =>
  bytes >= MiB ? `${(bytes / MiB).toFixed(2)} MiB (${bytes.toLocaleString('en')} bytes)` : `${bytes.toLocaleString('en')} bytes`;

partSizeSelect.append(new Option('auto (smallest valid)', 'auto'));
for (const size of VALID_PART_SIZES) partSizeSelect.append(new Option(size >= 1024 * MiB ? `${size / (1024 * MiB)} GiB` : `${size / MiB} MiB`, String(size)));

let file: File | undefined;
let treeHashHex = '';
let run: AbortController | undefined;
let partsRun = 0;

async function hashFile(chosen: File): Promise<void> {
  run?.abort(new Error('another file was chosen'));
  const controller = (run = new AbortController());
  file = chosen;
  $('results').hidden = true;
  $('parts-section').hidden = true;
  status.textContent = `Hashing ${chosen.name}…`;
  progress.value = 0;
  const started = performance.now();
  try {
    const { treeHash, sha256, size } = await hashBlob(chosen, {
      worker: true,
      signal: controller.signal,
      onProgress: ({ bytes, total }) => (progress.value = total ? bytes / total : 1),
    });
    const seconds = (performance.now() - started) / 1000;
    treeHashHex = toHex(treeHash);
    $('name').textContent = chosen.name;
    $('size').textContent = formatSize(size);
    $('tree-hash').textContent = treeHashHex;
    $('sha256').textContent = toHex(sha256);
    // The worker is served under the page's policy, so it runs the kernel this page would.
    $('engine').textContent = `${engineInfo().kernel} kernel, in a Web Worker the library started ({ worker: true })`;
    $('results').hidden = false;
    status.textContent = `Hashed in ${seconds.toFixed(2)} s (${(size / MiB / Math.max(seconds, 1e-3)).toFixed(0)} MiB/s).`;
    check();
    if (size > 0) await showParts();
  } catch (error) {
    if (controller.signal.aborted) return;
    status.textContent = `Failed: ${error instanceof TreeHashError ? `${error.code}: ` : ''}${(error as Error).message}`;
  }
}

function check(): void {
  const out = $('check');
  const expected = expectedInput.value.trim();
  out.className = '';
  if (!treeHashHex || expected === '') {
    out.textContent = 'no expected tree hash given';
    return;
  }
  try {
    assertTreeHashEquals(treeHashHex, expected);
    out.textContent = 'OK: the file matches the expected tree hash';
    out.className = 'ok';
  } catch (error) {
    out.textContent =
      error instanceof TreeHashError && error.code === 'ERR_TREE_HASH_MISMATCH' ? 'MISMATCH: the file does not match' : `invalid: ${(error as Error).message}`;
    out.className = 'bad';
  }
}

async function showParts(): Promise<void> {
  if (file === undefined || file.size === 0) return;
  const chosen = file;
  const mine = ++partsRun;
  const partSize = partSizeSelect.value === 'auto' ? choosePartSize(chosen.size) : Number(partSizeSelect.value);
  const rows: HTMLTableRowElement[] = [];
  // In the library's worker too; leaving the loop early (a newer run) stops the worker's job.
  const hashing = hashBlobParts(chosen, { partSize, linear: false, worker: true });
  for await (const part of hashing) {
    if (mine !== partsRun) return;
    const row = document.createElement('tr');
    for (const text of [String(part.index), part.contentRange, toHex(part.treeHash)])
      row.append(Object.assign(document.createElement('td'), { textContent: text }));
    rows.push(row);
  }
  const { treeHash } = await hashing.done();
  if (mine !== partsRun) return;
  $('parts').replaceChildren(...rows);
  $('parts-summary').textContent =
    `${rows.length} part${rows.length === 1 ? '' : 's'} of ${formatSize(partSize)}; archive tree hash from the parts ${toHex(treeHash) === treeHashHex ? 'matches' : 'DIFFERS'}`;
  $('parts-section').hidden = false;
}

input.addEventListener('change', () => input.files?.[0] && void hashFile(input.files[0]));
expectedInput.addEventListener('input', check);
partSizeSelect.addEventListener('change', () => void showParts());
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const dropped = event.dataTransfer?.files[0];
  if (dropped) void hashFile(dropped);
});
