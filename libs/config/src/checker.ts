import { isAbsolute, normalize } from 'node:path';
import { closestKey } from './closest-key';
import type { ConfigProblem } from './config-problem';
import { dotted, type KeyPath, type YamlSource } from './yaml-source';

/** How a value shows up in a reason: `the string "80"`, `a list`. */
export function describe(value: unknown, secret = false): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (secret) return `a ${typeof value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

export interface StringOptions {
  /** Set for keys without a default: what the key is for, said when it is missing. */
  required?: string;
  /** Never repeat the value in a reason. */
  secret?: boolean;
}

export interface IntegerOptions {
  min: number;
  max: number;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads typed values out of the parsed document and collects what is wrong with them instead
 * of stopping at the first problem. A getter returns undefined for a missing or bad value, so
 * callers fall back to the default and carry on; the problems decide whether the result is used.
 */
export class Checker {
  readonly problems: ConfigProblem[] = [];
  readonly notes: ConfigProblem[] = [];

  constructor(
    private readonly source: YamlSource,
    /** Relative certificate paths are resolved against this (the directory of harbor.yml). */
    readonly baseDir: string,
    /** When certificates are checked for expiry. */
    readonly now: Date,
  ) {}

  problem(path: KeyPath, reason: string, at: 'key' | 'value' = 'value'): void {
    this.problems.push({ key: dotted(path), reason, ...this.source.locate(path, at) });
  }

  note(path: KeyPath, reason: string, at: 'key' | 'value' = 'value'): void {
    this.notes.push({ key: dotted(path), reason, ...this.source.locate(path, at) });
  }

  /** The raw value, undefined when absent or written without a value (`key:`). */
  value(path: KeyPath): unknown {
    let node: unknown = this.source.value;
    for (const part of path) {
      if (Array.isArray(node) && typeof part === 'number') node = node[part];
      else if (isMapping(node) && typeof part === 'string' && Object.hasOwn(node, part)) node = node[part];
      else return undefined;
    }
    return node ?? undefined;
  }

  /**
   * Whether an optional section is there. A section whose keys are all commented out (`https:`
   * alone) counts as absent, as in Harbor. Anything but a mapping is a problem.
   */
  section(path: KeyPath): boolean {
    const v = this.value(path);
    if (v === undefined) return false;
    if (isMapping(v)) return true;
    this.problem(path, `expected a section of keys, got ${describe(v)}`);
    return false;
  }

  private missing(path: KeyPath, what: string): undefined {
    this.problem(path, `missing: ${what}`, 'key');
    return undefined;
  }

  string(path: KeyPath, options: StringOptions = {}): string | undefined {
    const v = this.value(path);
    if (v === undefined) return options.required ? this.missing(path, options.required) : undefined;
    if (typeof v !== 'string') {
      // YAML reads `password: 123456` as a number; quoting keeps leading zeros and the like.
      const hint = typeof v === 'number' || typeof v === 'boolean' ? ' (put the value in quotes)' : '';
      this.problem(path, `expected a string, got ${describe(v, options.secret)}${hint}`);
      return undefined;
    }
    if (v.trim() === '') {
      if (options.required) this.problem(path, `must not be empty: ${options.required}`);
      return undefined;
    }
    return v;
  }

  integer(path: KeyPath, { min, max }: IntegerOptions): number | undefined {
    const v = this.value(path);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.problem(path, `expected a whole number, got ${describe(v)}`);
      return undefined;
    }
    if (v < min || v > max) {
      this.problem(path, max === Number.MAX_SAFE_INTEGER ? `must be ${min} or more, got ${v}` : `must be between ${min} and ${max}, got ${v}`);
      return undefined;
    }
    return v;
  }

  port(path: KeyPath): number | undefined {
    return this.integer(path, { min: 1, max: 65535 });
  }

  boolean(path: KeyPath): boolean | undefined {
    const v = this.value(path);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.problem(path, `expected true or false, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(path: KeyPath, allowed: readonly T[]): T | undefined {
    const v = this.string(path);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      const close = closestKey(v, allowed);
      const hint = close === undefined ? '' : ` (did you mean "${close}"?)`;
      this.problem(path, `must be one of ${allowed.join(', ')}, got ${describe(v)}${hint}`);
      return undefined;
    }
    return v as T;
  }

  /** A directory or file on this machine, written as an absolute path. */
  absolutePath(path: KeyPath, what: string): string | undefined {
    const v = this.string(path);
    if (v === undefined) return undefined;
    if (!isAbsolute(v)) {
      this.problem(path, `must be an absolute path (${what}), got ${describe(v)}`);
      return undefined;
    }
    const clean = normalize(v);
    return clean.length > 1 ? clean.replace(/\/+$/, '') : clean;
  }

  /** A list of strings; undefined when absent or written without items. */
  stringList(path: KeyPath): string[] | undefined {
    const v = this.value(path);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.problem(path, `expected a list, got ${describe(v)}`);
      return undefined;
    }
    const out: string[] = [];
    v.forEach((item: unknown, i) => {
      if (typeof item === 'string') out.push(item);
      else this.problem([...path, i], `expected a string, got ${describe(item)}`);
    });
    return out;
  }
}
