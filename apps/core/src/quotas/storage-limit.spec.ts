import { HarborError } from '../http/harbor-error';
import { MAX_STORAGE_LIMIT, storageLimitProblem } from '@wharf/policy';
import { parseQuotaUpdate } from './storage-limit';

function refusal(body: unknown): string {
  try {
    parseQuotaUpdate(body);
  } catch (err) {
    if (err instanceof HarborError && err.code === 'BAD_REQUEST') return err.message;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('storageLimitProblem', () => {
  it.each([-1, 1, 1024, MAX_STORAGE_LIMIT])('accepts %p', (limit) => {
    expect(storageLimitProblem(limit, 'storage_limit')).toBeUndefined();
  });

  it.each([0, -2, MAX_STORAGE_LIMIT + 1, 1.5, Number.NaN, Infinity, '10', null, true])('refuses %p, naming the field', (limit) => {
    expect(storageLimitProblem(limit, 'storage_limit')).toMatch(/^storage_limit must be/);
  });

  it('caps at 1024 TiB', () => {
    expect(MAX_STORAGE_LIMIT).toBe(1125899906842624);
  });
});

describe('parseQuotaUpdate', () => {
  it('reads the storage limit', () => {
    expect(parseQuotaUpdate({ hard: { storage: 2048 } })).toBe(2048);
    expect(parseQuotaUpdate({ hard: { storage: -1 } })).toBe(-1);
    expect(parseQuotaUpdate({ hard: { storage: MAX_STORAGE_LIMIT } })).toBe(MAX_STORAGE_LIMIT);
  });

  it('ignores fields other than hard, such as the used figures GET answered', () => {
    expect(parseQuotaUpdate({ hard: { storage: 5 }, used: { storage: 0 }, id: 3 })).toBe(5);
  });

  it.each([
    ['no body', undefined, /body must be an object/],
    ['a list', [{ hard: { storage: 1 } }], /body must be an object/],
    ['a string', 'hard', /body must be an object/],
    ['an empty object', {}, /hard required/],
    ['an empty hard', { hard: {} }, /hard required/],
    ['a null hard', { hard: null }, /hard required/],
    ['hard as a number', { hard: 5 }, /hard must be an object/],
    ['an unknown resource', { hard: { storage: 1, count: 3 } }, /resource "count" is not supported/],
    ['no storage', { hard: { count: 3 } }, /resource "count" is not supported/],
    ['storage as a string', { hard: { storage: '10' } }, /hard\.storage must be an integer/],
    ['a fractional storage', { hard: { storage: 10.5 } }, /hard\.storage must be an integer/],
    ['storage 0', { hard: { storage: 0 } }, /hard\.storage must be -1 \(unlimited\) or from 1/],
    ['storage below -1', { hard: { storage: -7 } }, /got -7/],
    ['storage over 1024 TiB', { hard: { storage: MAX_STORAGE_LIMIT + 1 } }, /1024 TiB/],
  ])('refuses %s', (_what, body, message) => {
    expect(refusal(body)).toMatch(message);
  });
});
