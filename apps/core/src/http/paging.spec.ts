import { HarborError } from './harbor-error';
import { pageLinks, parsePaging } from './paging';

describe('parsePaging', () => {
  it('defaults to page 1 of 10', () => {
    expect(parsePaging(undefined, undefined)).toEqual({ page: 1, pageSize: 10, offset: 0 });
    expect(parsePaging('3', '20')).toEqual({ page: 3, pageSize: 20, offset: 40 });
  });

  it('takes a page of 0 or less for the first, as Harbor does', () => {
    expect(parsePaging('0', '10')).toEqual({ page: 1, pageSize: 10, offset: 0 });
    expect(parsePaging('-3', '5')).toEqual({ page: 1, pageSize: 5, offset: 0 });
  });

  it.each([
    ['x', '10', 'page in query must be of type int64: "x"'],
    ['1.5', '10', 'page in query must be of type int64: "1.5"'],
    ['1', '1e2', 'page_size in query must be of type int64: "1e2"'],
    ['1', '101', 'page_size in query should be less than or equal to 100'],
    ['1', '0', 'page_size in query should be greater than or equal to 1'],
    ['1', '-1', 'page_size in query should be greater than or equal to 1'],
  ])('answers page=%s&page_size=%s with 422 as Harbor\'s OpenAPI layer does', (page, size, message) => {
    let thrown: unknown;
    try {
      parsePaging(page, size);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HarborError);
    expect((thrown as HarborError).getStatus()).toBe(422);
    expect((thrown as HarborError).body()).toEqual({ errors: [{ code: 'UNPROCESSABLE_ENTITY', message }] });
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
