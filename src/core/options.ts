// Option objects, checked one way everywhere: an options argument is an object or `undefined`,
// and each option has its type. Anything else is `ERR_INVALID_OPTION` — never ignored (a
// `linear: 'yes'` taken as false), never a platform TypeError from reading a property of null.
import { TreeHashError, describeValue } from './errors.js';

/**
 * `options` as an object: `undefined` is `{}`; null, numbers, strings, booleans, arrays and
 * functions are refused. `what` names the argument in the message ("options of hashFile").
 * @throws {TreeHashError} `ERR_INVALID_OPTION`.
 * @example const { engine } = optionsObject<EngineOptions>(options, 'the options of treeHash');
 */
export function optionsObject<T extends object>(options: unknown, what = 'options'): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TreeHashError('ERR_INVALID_OPTION', `${what} must be an object (or undefined), got ${describeValue(options)}`);
  }
  return options as Partial<T>;
}

/** A boolean option; undefined stays undefined. @throws {TreeHashError} `ERR_INVALID_OPTION`. */
export function booleanOption(value: unknown, name: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TreeHashError('ERR_INVALID_OPTION', `${name} must be true or false (or undefined), got ${describeValue(value)}`);
  }
  return value;
}

/** A callback option; undefined stays undefined. @throws {TreeHashError} `ERR_INVALID_OPTION`. */
export function functionOption<F extends (...args: never[]) => unknown>(value: unknown, name: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TreeHashError('ERR_INVALID_OPTION', `${name} must be a function (or undefined), got ${describeValue(value)}`);
  }
  return value as F | undefined;
}

/**
 * A `signal` option: an AbortSignal (or anything shaped like one, e.g. from another realm);
 * undefined stays undefined. @throws {TreeHashError} `ERR_INVALID_OPTION`.
 */
export function signalOption(value: unknown, name = 'signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const signal = value as Partial<AbortSignal> | null;
  if (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    throw new TreeHashError('ERR_INVALID_OPTION', `${name} must be an AbortSignal (or undefined), got ${describeValue(value)}`);
  }
  return value as AbortSignal;
}
