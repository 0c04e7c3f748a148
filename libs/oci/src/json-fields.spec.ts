import {
  fieldPath,
  isJsonObject,
  optionalNonEmptyString,
  optionalString,
  optionalStringArray,
  optionalStringMap,
  requiredString,
} from './json-fields';
import { catchOciError } from './testing/catch-oci-error';

describe('json-fields', () => {
  it('isJsonObject accepts only plain objects', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject('x')).toBe(false);
  });

  it('fieldPath joins with dots', () => {
    expect(fieldPath('', 'config')).toBe('config');
    expect(fieldPath('layers[0]', 'size')).toBe('layers[0].size');
  });

  it('string readers report the full path', () => {
    expect(optionalString({}, 'x', 'p')).toBeUndefined();
    expect(optionalString({ x: 'v' }, 'x', 'p')).toBe('v');
    expect(catchOciError(() => optionalString({ x: 1 }, 'x', 'p')).message).toBe('p.x must be a string');
    expect(catchOciError(() => requiredString({}, 'x', 'p')).message).toBe('p.x is required');
    expect(catchOciError(() => optionalNonEmptyString({ x: '' }, 'x')).message).toBe('x must not be empty');
  });

  it('optionalStringArray checks every element', () => {
    expect(optionalStringArray({ u: ['a', 'b'] }, 'u')).toEqual(['a', 'b']);
    expect(catchOciError(() => optionalStringArray({ u: 'a' }, 'u', 'd')).message).toBe('d.u must be an array of strings');
    expect(catchOciError(() => optionalStringArray({ u: ['a', 2] }, 'u', 'd')).message).toBe('d.u[1] must be a string');
  });

  it('optionalStringMap checks every value and names the key', () => {
    expect(optionalStringMap({ a: { k: 'v' } }, 'a')).toEqual({ k: 'v' });
    expect(catchOciError(() => optionalStringMap({ a: [] }, 'a')).code).toBe('MANIFEST_INVALID');
    expect(catchOciError(() => optionalStringMap({ a: { k: 1 } }, 'a', 'config')).message).toBe(
      'config.a["k"] must be a string',
    );
  });

  it('keeps a "__proto__" annotation key as data', () => {
    const parsed = JSON.parse('{"a":{"__proto__":"x","k":"v"}}') as Record<string, unknown>;
    const map = optionalStringMap(parsed, 'a');
    expect(map && Object.keys(map)).toEqual(['__proto__', 'k']);
    expect(map && Object.getOwnPropertyDescriptor(map, '__proto__')?.value).toBe('x');
  });
});
