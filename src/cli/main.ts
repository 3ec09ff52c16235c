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
import { register as registerInventory } from './inventory.js';
import { EXIT_ERROR, EXIT_OK, printFailure } from './errors.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('treehash')
  .description('Amazon S3 Glacier SHA-256 tree hashes: compute, plan and verify')
  .version(version)
  .exitOverride();

registerHash(program);
registerParts(program);
registerVerify(program);
registerCheck(program);
registerRange(program);
registerPlanDownload(program);
registerManifest(program);
registerInventory(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and --version exit 0; a usage error (already printed by commander) exits 2.
    process.exitCode = error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
  } else {
    printFailure(undefined, error);
  }
}
