// Assertions shared by the test files: what was thrown, as a TreeHashError.
import { expect } from 'vitest';
import { TreeHashError } from '../src/index.js';

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
