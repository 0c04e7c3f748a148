import { OciError } from './errors';
import { unstorableTextReason } from './json-text';

/**
 * Field readers for untrusted manifest JSON. Every failure is MANIFEST_INVALID with the field's
 * path (`layers[2].annotations`), so a client can tell exactly what to fix.
 */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function manifestInvalid(message: string): OciError {
  return new OciError('MANIFEST_INVALID', message);
}

export function fieldPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/**
 * Every string the registry reads from a manifest may end up in PostgreSQL (annotations, platforms,
 * artifact types, media types): one it cannot store is refused here, naming the field.
 */
function storable(value: string, path: string): string {
  const reason = unstorableTextReason(value);
  if (reason !== undefined) throw manifestInvalid(`${path} ${reason}`);
  return value;
}

export function optionalString(obj: JsonObject, key: string, parent = ''): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw manifestInvalid(`${fieldPath(parent, key)} must be a string`);
  return storable(value, fieldPath(parent, key));
}

export function requiredString(obj: JsonObject, key: string, parent = ''): string {
  const value = optionalString(obj, key, parent);
  if (value === undefined) throw manifestInvalid(`${fieldPath(parent, key)} is required`);
  return value;
}

/** A string that, when present, must not be empty (an empty value would only mislead filters). */
export function optionalNonEmptyString(obj: JsonObject, key: string, parent = ''): string | undefined {
  const value = optionalString(obj, key, parent);
  if (value === '') throw manifestInvalid(`${fieldPath(parent, key)} must not be empty`);
  return value;
}

export function optionalStringArray(obj: JsonObject, key: string, parent = ''): string[] | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  const path = fieldPath(parent, key);
  if (!Array.isArray(value)) throw manifestInvalid(`${path} must be an array of strings`);
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string') throw manifestInvalid(`${path}[${i}] must be a string`);
    storable(item, `${path}[${i}]`);
  });
  return value as string[];
}

/** `annotations`-style maps: an object whose values are all strings. */
export function optionalStringMap(obj: JsonObject, key: string, parent = ''): Record<string, string> | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  const path = fieldPath(parent, key);
  if (!isJsonObject(value)) throw manifestInvalid(`${path} must be an object of strings`);
  const entries = Object.entries(value);
  for (const [k, v] of entries) {
    storable(k, `a key of ${path}`);
    if (typeof v !== 'string') throw manifestInvalid(`${path}[${JSON.stringify(k)}] must be a string`);
    storable(v, `${path}[${JSON.stringify(k)}]`);
  }
  // fromEntries defines own properties, so a key such as "__proto__" survives as data.
  return Object.fromEntries(entries) as Record<string, string>;
}
