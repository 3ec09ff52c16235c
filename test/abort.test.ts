// An abort must end hashing even while the source is stalled (no chunk arrives to check the signal).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hashParts } from '../src/upload/hash-parts.js';
import { hashStream } from '../src/node/files.js';
import { hashWebStream } from '../src/web/streams.js';
import { hashWebStreamParts } from '../src/web/parts.js';
import { caughtAsync } from './helpers.js';

/** Aborts after 50 ms with a reason; the promise must reject with ERR_ABORTED well before 2 s. */
async function abortWhileStalled(start: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
  const controller = new AbortController();
  const reason = new Error('user cancelled');
  const pending = start(controller.signal);
  setTimeout(() => controller.abort(reason), 50);
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('still pending 2 s after the abort')), 2000));
  const error = await caughtAsync(() => Promise.race([pending, timeout]));
  expect(error.code).toBe('ERR_ABORTED');
  expect(error.cause).toBe(reason);
}

describe('abort while the source is stalled', () => {
  it('hashStream on a Node Readable that never produces: rejects and destroys the stream', async () => {
    const stalled = new Readable({ read() {} });
    await abortWhileStalled((signal) => hashStream(stalled, { signal }));
    expect(stalled.destroyed).toBe(true);
  });

  it('hashWebStream on a ReadableStream whose pull never resolves: rejects and cancels the stream', async () => {
    let cancelled = false;
    const stalled = new ReadableStream({
      pull: () => new Promise<void>(() => undefined),
      cancel: () => {
        cancelled = true;
      },
    });
    await abortWhileStalled((signal) => hashWebStream(stalled, { signal }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cancelled).toBe(true);
  });

  it('hashParts(...).done() on a stalled Node Readable', async () => {
    const stalled = new Readable({ read() {} });
    await abortWhileStalled((signal) => hashParts(stalled, { partSize: 1048576, signal }).done());
    expect(stalled.destroyed).toBe(true);
  });

  it('iterating hashWebStreamParts on a stalled ReadableStream', async () => {
    const stalled = new ReadableStream({ pull: () => new Promise<void>(() => undefined) });
    await abortWhileStalled(async (signal) => {
      for await (const _part of hashWebStreamParts(stalled, { partSize: 1048576, signal })) {
        // no part ever completes
      }
    });
  });
});
