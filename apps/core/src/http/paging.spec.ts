import { HarborError } from './harbor-error';
import { pageLinks, parsePaging } from './paging';

describe('parsePaging', () => {
  it('defaults to page 1 of 10', () => {
    expect(parsePaging(undefined, undefined)).toEqual({ page: 1, pageSize: 10, offset: 0 });
    expect(parsePaging('3', '20')).toEqual({ page: 3, pageSize: 20, offset: 40 });
  });

  it('refuses what is not a page', () => {
    for (const [page, size] of [['0', '10'], ['-1', '10'], ['x', '10'], ['1', '0'], ['1', '101'], ['1.5', '10'], ['1', '1e2']]) {
      expect(() => parsePaging(page, size)).toThrow(HarborError);
    }
  });
});

describe('pageLinks', () => {
  it('links the previous and next pages, keeping the other parameters', () => {
    const link = pageLinks('/api/v2.0/projects?q=name%3D~a&page=2&page_size=2', { page: 2, pageSize: 2, offset: 2 }, 7);
    expect(link).toBe(
      '</api/v2.0/projects?q=name%3D%7Ea&page=1&page_size=2>; rel="prev" , </api/v2.0/projects?q=name%3D%7Ea&page=3&page_size=2>; rel="next"',
    );
  });

  it('has no next link on the last page and no links for a single page', () => {
    expect(pageLinks('/u', { page: 4, pageSize: 2, offset: 6 }, 7)).toBe('</u?page=3&page_size=2>; rel="prev"');
    expect(pageLinks('/u', { page: 1, pageSize: 10, offset: 0 }, 7)).toBeUndefined();
    expect(pageLinks('/u', { page: 1, pageSize: 10, offset: 0 }, 0)).toBeUndefined();
  });

  it('adds page_size when the request had none', () => {
    expect(pageLinks('/u', { page: 1, pageSize: 10, offset: 0 }, 11)).toBe('</u?page=2&page_size=10>; rel="next"');
  });
});
