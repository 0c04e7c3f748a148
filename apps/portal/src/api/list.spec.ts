import { listQuery, qParam, sortParam } from './list';

describe('list parameters', () => {
  it('joins q terms and leaves out empty ones', () => {
    expect(qParam({ name: '~nginx', public: 'true', owner: '' })).toBe('name=~nginx,public=true');
    expect(qParam({ name: '~' })).toBeUndefined();
    expect(qParam(undefined)).toBeUndefined();
  });

  it('drops commas that would split a term', () => {
    expect(qParam({ name: '~a,b' })).toBe('name=~ab');
  });

  it('turns antd sorters into Harbor sort', () => {
    expect(sortParam('name', 'ascend')).toBe('name');
    expect(sortParam('creation_time', 'descend')).toBe('-creation_time');
    expect(sortParam('name', null)).toBeUndefined();
  });

  it('builds a page query', () => {
    expect(listQuery({ page: 2, pageSize: 25, sort: '-name', filters: { name: '~x' } }, { with_detail: true })).toEqual({
      page: 2,
      page_size: 25,
      sort: '-name',
      q: 'name=~x',
      with_detail: true,
    });
  });
});
