import { isValidTag, OciError } from '@wharf/oci';
import { MAX_PAGE, nextLink, parsePage } from './pagination';

describe('pagination', () => {
  it('parses n and last', () => {
    expect(parsePage('5', 'b', isValidTag)).toEqual({ limit: 5, last: 'b' });
    expect(parsePage(undefined, undefined, isValidTag)).toEqual({ limit: MAX_PAGE, last: undefined });
    expect(parsePage('0', '', isValidTag)).toEqual({ limit: 0, last: undefined });
  });

  it.each(['-1', 'x', '1.5', '9999999999'])('rejects n=%s', (n) => {
    expect(() => parsePage(n, undefined, isValidTag)).toThrow(OciError);
  });

  it.each(['a\u0000b', '../x', '.hidden'])('rejects a last marker outside the grammar: %p', (last) => {
    expect(() => parsePage('1', last, isValidTag)).toThrow(OciError);
  });

  it('links to the next page only when the page is full', () => {
    expect(nextLink('/v2/a/tags/list', 2, ['x', 'y'])).toBe('</v2/a/tags/list?n=2&last=y>; rel="next"');
    expect(nextLink('/v2/a/tags/list', 3, ['x', 'y'])).toBeUndefined();
    expect(nextLink('/v2/a/tags/list', 0, [])).toBeUndefined();
  });
});
