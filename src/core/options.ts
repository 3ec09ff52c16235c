// Option objects, checked one way everywhere: an options argument is an object or `undefined`,
// and each option has its type. Anything else is `ERR_INVALID_OPTION` — never ignored (a
// `linear: 'yes'` taken as false), never a platform TypeError from reading a property of null.
import { TreeHashError, describeValue } from './errors.js';

/**
 * `options` as an object: `undefined` is `{}` (unless `required`); null, numbers, strings,
 * booleans, arrays and functions are refused. `what` names the argument ("the options of hashFile").
 * @throws {TreeHashError} `ERR_INVALID_OPTION`.
 * @example const { engine } = optionsObject<EngineOptions>(options, 'the options of treeHash');
 */
export function optionsObject<T extends object>(options: unknown, what = 'options', required = false): Partial<T> {
  if (options === undefined && !required) return {};
  return options === null || typeof options !== 'object' || Array.isArray(options) ? refuse(what, 'an object', options) : (options as Partial<T>);
}

/** Throws `ERR_INVALID_OPTION`: `name` must be `what`. */
function refuse(name: string, what: string, value: unknown): never {
  throw new TreeHashError('ERR_INVALID_OPTION', `${name} must be ${what}, got ${describeValue(value)}`);
}

/** A boolean option; undefined stays undefined. @throws {TreeHashError} `ERR_INVALID_OPTION`. */
export function booleanOption(value: unknown, name: string): boolean | undefined {
  return value === undefined || typeof value === 'boolean' ? value : refuse(name, 'true or false', value);
}

/** A callback option; undefined stays undefined. @throws {TreeHashError} `ERR_INVALID_OPTION`. */
export function functionOption<F extends (...args: never[]) => unknown>(value: unknown, name: string): F | undefined {
  return value === undefined || typeof value === 'function' ? (value as F | undefined) : refuse(name, 'a function', value);
}

/**
 * A `signal` option: an AbortSignal (or anything shaped like one, e.g. from another realm);
 * undefined stays undefined. @throws {TreeHashError} `ERR_INVALID_OPTION`.
 */
export function signalOption(value: unknown, name = 'signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const signal = value as Partial<AbortSignal> | null;
  return typeof signal?.aborted === 'boolean' && typeof signal.addEventListener === 'function' ? (value as AbortSignal) : refuse(name, 'an AbortSignal', value);
}
