// Assertions shared by the test files: what was thrown, as a TreeHashError.
import { expect } from 'vitest';
import { TreeHashError } from '../src/core/errors.js';

/** The TreeHashError `fn` throws synchronously (fails the test if it throws nothing or something else). */
export function caught(fn: () => unknown): TreeHashError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TreeHashError);
    return error as TreeHashError;
  }
  throw new Error('expected a TreeHashError, nothing was thrown');
}

/** The TreeHashError `fn` throws or its promise rejects with. */
export async function caughtAsync(fn: () => unknown): Promise<TreeHashError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TreeHashError);
    return error as TreeHashError;
  }
  throw new Error('expected a TreeHashError, nothing was thrown');
}

/** The code of the TreeHashError `fn` throws or rejects with. */
export async function codeOf(fn: () => unknown): Promise<string> {
  return (await caughtAsync(fn)).code;
}

/** The code of the TreeHashError `fn` throws synchronously (fails the test if it throws nothing). */
export function codeOfSync(fn: () => unknown): string {
  return caught(fn).code;
}

/** Asserts that `fn` throws a TreeHashError with `code` synchronously. */
export function expectCode(fn: () => unknown, code: string): void {
  expect(caught(fn).code).toBe(code);
}

/** Deterministic pseudo-random bytes (xorshift32) from a seed: every leaf and part differs, with no short period like i mod 251. */
export function randomBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Iterates `hashing` up to part `index`, saves its state there and stops (so its done() has no totals). */
export async function saveAfterPart(hashing: AsyncIterable<{ index: number }> & { save(): Uint8Array }, index: number): Promise<Uint8Array> {
  for await (const part of hashing) {
    if (part.index === index) return hashing.save(); // leaving the loop closes the source
  }
  throw new Error(`the source ended before part ${index}`);
}
