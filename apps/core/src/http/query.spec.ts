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
    for (const bad of ['name', '=x', 'name=', 'a=~', 'r=[1~2', 'r=[~]', 'r=[1~2~3]', 'l={a b', 'l={}']) {
      expect(code(() => parseQuery(bad))).toBe('BAD_REQUEST');
    }
  });

  it('keeps the last value of a key given twice, as Harbor does', () => {
    expect(parseQuery('a=1,a=~2').get('a')).toEqual({ kind: 'fuzzy', value: '2' });
  });

  it('decodes q once more, as Harbor does, so that twice-encoded queries are understood', () => {
    // What a client that encoded q twice leaves after the query string's own decoding.
    const twice = parseQuery('name%3D~web%2Cdigest%3Dsha256%3Aab');
    expect(twice.get('name')).toEqual({ kind: 'fuzzy', value: 'web' });
    expect(twice.get('digest')).toEqual({ kind: 'exact', value: 'sha256:ab' });
    expect(parseQuery('tags%3Dnil').get('tags')).toEqual({ kind: 'exact', value: 'nil' });
    expect(parseQuery('name%3D~a+b').get('name')).toEqual({ kind: 'fuzzy', value: 'a b' });
    // Encoded once, a + stays a + (media types hold them).
    expect(parseQuery('media_type=application/vnd.oci.image.config.v1+json').get('media_type')).toEqual({ kind: 'exact', value: 'application/vnd.oci.image.config.v1+json' });
    expect(parseQuery('ids%3D%7B1%201%7D').get('ids')).toEqual({ kind: 'any', values: ['1', '1'] });
    // A malformed escape leaves q as it was.
    expect(parseQuery('name=~100%').get('name')).toEqual({ kind: 'fuzzy', value: '100%' });
    expect(parseQuery('name=~%zz').get('name')).toEqual({ kind: 'fuzzy', value: '%zz' });
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
