#!/usr/bin/env node
// The `treehash` command. Exit status: 0 success, 1 a checksum did not match, 2 any other error.
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { register as registerHash } from './hash.js';
import { register as registerParts } from './parts.js';
import { register as registerVerify } from './verify.js';
import { register as registerCheck } from './check.js';
import { register as registerRange } from './range.js';
import { register as registerPlanDownload } from './plan-download.js';
import { register as registerManifest } from './manifest.js';
import { EXIT_ERROR, EXIT_OK, printFailure } from './errors.js';
import { commandLineArguments } from './names.js';
import { StdoutWriteError, stdout } from './output.js';
import { OperandError } from './retrieval-io.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('treehash')
  .description('Amazon S3 Glacier SHA-256 tree hashes: compute, plan and verify')
  .version(version)
  .exitOverride()
  // Help and --version go through the one stdout writer, so that a failure to write them is reported too.
  .configureOutput({ writeOut: (text) => stdout.queue(text) });

registerHash(program);
registerParts(program);
registerVerify(program);
registerCheck(program);
registerRange(program);
registerPlanDownload(program);
registerManifest(program);

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
