#!/usr/bin/env node
// The `treehash` command. Exit status: 0 success, 1 a checksum did not match, 2 any other error.
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { EXIT_ERROR, EXIT_OK, printFailure } from './errors.js';
import { commandLineArguments } from './names.js';
import { StdoutWriteError, stdout } from './output.js';
import { OperandError } from './retrieval-io.js';

// Each command's module, loaded only when needed: `treehash hash FILE` loads the hash command and
// what it uses, not the retrieval planner's (start-up time is most of a small file's hash time).
const COMMANDS: Record<string, () => Promise<{ register(program: Command): void }>> = {
  hash: () => import('./hash.js'),
  parts: () => import('./parts.js'),
  verify: () => import('./verify.js'),
  check: () => import('./check.js'),
  range: () => import('./range.js'),
  'plan-download': () => import('./plan-download.js'),
  manifest: () => import('./manifest.js'),
  s3: () => import('./s3.js'),
  identify: () => import('./identify.js'),
  inventory: () => import('./inventory.js'),
};

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('treehash')
  .description('Amazon S3 Glacier SHA-256 tree hashes: compute, plan and verify')
  .version(version)
  .exitOverride()
  // Help and --version go through the one stdout writer, so that a failure to write them is reported too.
  .configureOutput({ writeOut: (text) => stdout.queue(text) });

// The command named first registers alone; anything else (help, a typo, no command) sees them all, in this order.
const first = process.argv[2] ?? '';
// Many files to hash: the worker threads boot while the command's modules load (hashFiles uses a
// pool from 16 files on).
if (first === 'hash' && process.argv.length >= 3 + 16 && !process.argv.includes('--progress') && !process.argv.includes('--force-progress')) {
  void import('../node/pool/pool.js').then(
    ({ warmPool }) => warmPool(),
    () => undefined,
  );
}
const named = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
for (const load of named ? [named] : Object.values(COMMANDS)) (await load()).register(program);

// A failure to write stdout is reported whatever else happened; stderr failing is not reportable.
process.stderr.on('error', () => {});
let failure: unknown;
try {
  await program.parseAsync(commandLineArguments(), { from: 'user' });
} catch (error) {
  failure = error;
}
try {
  await stdout.settle();
} catch (error) {
  failure = error;
}
if (failure instanceof StdoutWriteError) {
  process.stderr.write(`treehash: ${failure.message}\n`);
  process.exitCode = EXIT_ERROR;
} else if (failure instanceof CommanderError) {
  // Help and --version exit 0; a usage error (already printed by commander) exits 2.
  process.exitCode = failure.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
} else if (failure instanceof OperandError) {
  printFailure(failure.operand, failure.cause);
} else if (failure !== undefined) {
  printFailure(undefined, failure);
}
