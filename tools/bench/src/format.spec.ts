import { formatNumber, formatPercent, formatRatio, renderMarkdown, renderText } from './format';

describe('formatRatio', () => {
  it('divides value by base for throughput', () => {
    expect(formatRatio(300, 200)).toBe('1.50×');
    expect(formatRatio(100, 400, 'higher')).toBe('0.25×');
  });

  it('inverts for lower-is-better figures so that >1 always favours the value', () => {
    expect(formatRatio(2, 4, 'lower')).toBe('2.00×');
    expect(formatRatio(4, 2, 'lower')).toBe('0.50×');
  });

  it('says n/a when a side is missing, zero or not finite', () => {
    expect(formatRatio(undefined, 2)).toBe('n/a');
    expect(formatRatio(2, undefined)).toBe('n/a');
    expect(formatRatio(2, 0)).toBe('n/a');
    expect(formatRatio(0, 2, 'lower')).toBe('n/a');
    expect(formatRatio(Number.NaN, 2)).toBe('n/a');
  });
});

describe('formatNumber and formatPercent', () => {
  it('keeps about three significant figures', () => {
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(123.4)).toBe('123');
    expect(formatNumber(12.34)).toBe('12.3');
    expect(formatNumber(1.234)).toBe('1.23');
    expect(formatNumber(0.1234)).toBe('0.123');
    expect(formatNumber(undefined)).toBe('—');
  });

  it('rounds percentages and guards a zero whole', () => {
    expect(formatPercent(1, 3)).toBe('33%');
    expect(formatPercent(5, 0)).toBe('n/a');
  });
});

describe('tables', () => {
  const table = { headers: ['name', 'value'], align: ['left', 'right'] as const, rows: [['a|b', '1'], ['long name', '1,000']] };

  it('pads plain-text columns', () => {
    expect(renderText({ ...table, align: [...table.align] })).toBe(['name       value', '---------  -----', 'a|b            1', 'long name  1,000'].join('\n'));
  });

  it('escapes pipes and aligns numbers right in markdown', () => {
    expect(renderMarkdown({ ...table, align: [...table.align] })).toBe(['| name | value |', '| --- | ---: |', '| a\\|b | 1 |', '| long name | 1,000 |'].join('\n'));
  });

  it('keeps the indent of sub-rows in markdown', () => {
    expect(renderMarkdown({ headers: ['a'], align: ['left'], rows: [['  p99']] }).split('\n')[2]).toBe('| &nbsp;&nbsp;p99 |');
  });
});
