import { HarborError } from './harbor-error';
import { parseQuery, parseSort } from './query';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof HarborError ? err.code : 'OTHER';
  }
  return undefined;
}

describe('parseQuery', () => {
  it('parses every pattern', () => {
    const q = parseQuery('operation=create,resource=~lib,op_time=[2020-01-01 00:00:00~2020-02-01 00:00:00],username={alice bob},labels=(a b)');
    expect(q.get('operation')).toEqual({ kind: 'exact', value: 'create' });
    expect(q.get('resource')).toEqual({ kind: 'fuzzy', value: 'lib' });
    expect(q.get('op_time')).toEqual({ kind: 'range', min: '2020-01-01 00:00:00', max: '2020-02-01 00:00:00' });
    expect(q.get('username')).toEqual({ kind: 'any', values: ['alice', 'bob'] });
    expect(q.get('labels')).toEqual({ kind: 'all', values: ['a', 'b'] });
  });

  it('accepts open ranges, quotes and escaped exact values', () => {
    expect(parseQuery('id=[10~]').get('id')).toEqual({ kind: 'range', min: '10', max: undefined });
    expect(parseQuery('id=[~10]').get('id')).toEqual({ kind: 'range', min: undefined, max: '10' });
    expect(parseQuery('name="a,b"').get('name')).toEqual({ kind: 'exact', value: 'a,b' });
    expect(parseQuery("name='x y'").get('name')).toEqual({ kind: 'exact', value: 'x y' });
    expect(parseQuery('name=\\~tilde').get('name')).toEqual({ kind: 'exact', value: '~tilde' });
    expect(parseQuery('')).toEqual(new Map());
    expect(parseQuery(undefined)).toEqual(new Map());
  });

  it('refuses malformed terms with BAD_REQUEST', () => {
    for (const bad of ['name', '=x', 'name=', 'a=~', 'r=[1~2', 'r=[~]', 'r=[1~2~3]', 'l={a b', 'l={}', 'a=1,a=2']) {
      expect(code(() => parseQuery(bad))).toBe('BAD_REQUEST');
    }
  });
});

describe('parseSort', () => {
  it('reads ascending and descending keys', () => {
    expect(parseSort('name,-creation_time')).toEqual([
      { key: 'name', descending: false },
      { key: 'creation_time', descending: true },
    ]);
    expect(parseSort(undefined)).toEqual([]);
    expect(code(() => parseSort('name,-'))).toBe('BAD_REQUEST');
  });
});
