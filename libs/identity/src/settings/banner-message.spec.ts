import { bannerMessageProblem } from './banner-message';

describe('bannerMessageProblem', () => {
  it.each([
    ['', 'no banner'],
    ['{"message":"Maintenance tonight"}', 'a message alone'],
    ['{"message":"GC at 22:00","type":"warning","closable":true,"fromDate":"2026-12-01T00:00:00Z","toDate":"2026-12-02T00:00:00Z"}', 'every field'],
    ['{"message":"x","type":"danger","closable":false,"fromDate":null,"toDate":""}', 'empty dates'],
    ['{"message":"x","extra":1}', 'a field the console does not read'],
  ])('accepts %s (%s)', (value) => {
    expect(bannerMessageProblem(value)).toBeUndefined();
  });

  it.each([
    ['Maintenance tonight', /JSON object/],
    ['[1]', /JSON object/],
    ['null', /JSON object/],
    ['{}', /non-empty "message"/],
    ['{"message":"   "}', /non-empty "message"/],
    ['{"message":7}', /non-empty "message"/],
    ['{"message":"x","type":"error"}', /"type" must be one of success, info, warning, danger/],
    ['{"message":"x","closable":"yes"}', /"closable"/],
    ['{"message":"x","fromDate":"tomorrow"}', /"fromDate" must be a date/],
    ['{"message":"x","fromDate":"2026-12-02","toDate":"2026-12-01"}', /not be before/],
    [JSON.stringify({ message: 'x'.repeat(5000) }), /at most 4096/],
  ])('refuses %s', (value, problem) => {
    expect(bannerMessageProblem(value)).toMatch(problem);
  });
});
