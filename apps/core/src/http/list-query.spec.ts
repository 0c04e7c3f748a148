import { HarborError } from './harbor-error';
import { FieldSpecs, orderBy, parseTime, SqlParams, whereFromQuery } from './list-query';
import { parseQuery, parseSort } from './query';

const FIELDS: FieldSpecs = {
  username: { column: 'u.username', type: 'text', ignoreCase: true },
  resource: { column: 'a.resource', type: 'text' },
  id: { column: 'a.id', type: 'int' },
  public: { column: 'p.public', type: 'bool' },
  op_time: { column: 'a.op_time', type: 'time' },
};

function build(q: string): { where: string[]; values: unknown[] } {
  const params = new SqlParams();
  return { where: whereFromQuery(parseQuery(q), FIELDS, params), values: params.values };
}

describe('whereFromQuery', () => {
  it('turns each pattern into a parameterised condition', () => {
    expect(build('username=Alice')).toEqual({ where: ['lower(u.username) = lower($1)'], values: ['Alice'] });
    expect(build('resource=~a%b_')).toEqual({ where: ['a.resource ILIKE $1'], values: ['%a\\%b\\_%'] });
    expect(build('id={1 2 3}')).toEqual({ where: ['a.id = ANY($1)'], values: [[1, 2, 3]] });
    expect(build('public=true')).toEqual({ where: ['p.public = $1'], values: [true] });
    const range = build('op_time=[2020-01-01 00:00:00~2020-01-02T12:00:00Z]');
    expect(range.where).toEqual(['a.op_time >= $1 AND a.op_time <= $2']);
    expect(range.values).toEqual([new Date('2020-01-01T00:00:00Z'), new Date('2020-01-02T12:00:00Z')]);
  });

  it('skips keys the list cannot filter by, as Harbor does', () => {
    expect(build('nope=1,username=bob,password=x')).toEqual({ where: ['lower(u.username) = lower($1)'], values: ['bob'] });
  });

  it('refuses wrong types and unsupported patterns', () => {
    for (const q of ['id=abc', 'id=99999999999', 'id=1.5', 'public=yes', 'op_time=[yesterday~]', 'id=~1', 'public=[true~]', 'username=(a b)']) {
      expect(() => build(q)).toThrow(HarborError);
    }
  });
});

describe('orderBy', () => {
  it('maps sort keys to columns and always ends with the tiebreak', () => {
    expect(orderBy(parseSort('-op_time,username'), FIELDS, 'a.id DESC', 'a.id DESC')).toBe('a.op_time DESC, u.username ASC, a.id DESC');
    expect(orderBy([], FIELDS, 'a.op_time DESC', 'a.id DESC')).toBe('a.op_time DESC, a.id DESC');
    // Keys the list cannot sort by are skipped, as Harbor skips them.
    expect(orderBy(parseSort('password,-id'), FIELDS, 'x', 'y')).toBe('a.id DESC, y');
    expect(orderBy(parseSort('password'), FIELDS, 'a.op_time DESC', 'a.id DESC')).toBe('a.op_time DESC, a.id DESC');
  });
});

describe('parseTime', () => {
  it('reads Harbor and ISO forms, UTC by default', () => {
    expect(parseTime('2020-04-09 02:36:00')?.toISOString()).toBe('2020-04-09T02:36:00.000Z');
    expect(parseTime('2020-04-09T02:36:00+0200')?.toISOString()).toBe('2020-04-09T00:36:00.000Z');
    expect(parseTime('2020-04-09')?.toISOString()).toBe('2020-04-09T00:00:00.000Z');
    expect(parseTime('2020-13-40')).toBeUndefined();
    expect(parseTime('now')).toBeUndefined();
  });
});
