import { qParam } from './list';
import { dayRangeTerm, exactTerm, fuzzyTerm } from './q-terms';

describe('fuzzyTerm', () => {
  it('makes a contains-match of what was typed', () => {
    expect(fuzzyTerm('nginx')).toBe('~nginx');
    expect(fuzzyTerm('  library/app:1.0 ')).toBe('~library/app:1.0');
    expect(fuzzyTerm('two words')).toBe('~two words');
  });

  it('gives no filter for nothing typed', () => {
    expect(fuzzyTerm(undefined)).toBeUndefined();
    expect(fuzzyTerm('')).toBeUndefined();
    expect(fuzzyTerm('  ')).toBeUndefined();
    expect(fuzzyTerm(',')).toBeUndefined();
  });

  it('keeps quotes as text by wrapping them in the other kind', () => {
    expect(fuzzyTerm('o"neil')).toBe(`~'o"neil'`);
    expect(fuzzyTerm("o'neil")).toBe(`~"o'neil"`);
    expect(fuzzyTerm(`a'b"c`)).toBe(`~a'bc`);
  });

  it('cannot carry a comma, which would end the term', () => {
    expect(fuzzyTerm('a,b')).toBe('~ab');
    expect(qParam({ username: fuzzyTerm('a,b'), resource: fuzzyTerm('x') })).toBe('username=~ab,resource=~x');
  });
});

describe('exactTerm', () => {
  it('passes plain values and escapes a leading grammar character', () => {
    expect(exactTerm('create')).toBe('create');
    expect(exactTerm('~x')).toBe('\\~x');
    expect(exactTerm('[a]')).toBe('\\[a]');
    expect(exactTerm('')).toBeUndefined();
  });
});

describe('dayRangeTerm', () => {
  const local = (y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => new Date(y, m - 1, d, h, mi, s, ms).toISOString();

  it('covers whole local days from the first to the last millisecond', () => {
    expect(dayRangeTerm('2026-12-01', '2026-12-07')).toBe(`[${local(2026, 12, 1)}~${local(2026, 12, 7, 23, 59, 59, 999)}]`);
    expect(dayRangeTerm('2026-12-07', '2026-12-07')).toBe(`[${local(2026, 12, 7)}~${local(2026, 12, 7, 23, 59, 59, 999)}]`);
  });

  it('leaves an end open', () => {
    expect(dayRangeTerm('2026-02-28', undefined)).toBe(`[${local(2026, 2, 28)}~]`);
    expect(dayRangeTerm('', '2024-02-29')).toBe(`[~${local(2024, 2, 29, 23, 59, 59, 999)}]`);
  });

  it('gives no filter for no days, unreadable days or a reversed range', () => {
    expect(dayRangeTerm(undefined, undefined)).toBeUndefined();
    expect(dayRangeTerm('', '')).toBeUndefined();
    expect(dayRangeTerm('2026-02-30', undefined)).toBeUndefined();
    expect(dayRangeTerm('07.12.2026', undefined)).toBeUndefined();
    expect(dayRangeTerm('2026-12-07', '2026-12-01')).toBeUndefined();
  });

  it('is one q term the server splits correctly next to others', () => {
    const q = qParam({ operation: 'create', op_time: dayRangeTerm('2026-12-01', '2026-12-02') });
    expect(q).toMatch(/^operation=create,op_time=\[\d{4}-\d\d-\d\dT[\d:.]+Z~\d{4}-\d\d-\d\dT[\d:.]+Z\]$/);
  });
});
