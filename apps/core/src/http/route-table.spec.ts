import { compile, RouteTable } from './route-table';

describe('RouteTable', () => {
  it('compiles parameters and escapes the rest', () => {
    const re = compile('/api/v2.0/projects/:project_name_or_id/members/:mid');
    expect(re.test('/api/v2.0/projects/library/members/3')).toBe(true);
    expect(re.test('/api/v2.0/projects/library/members/3/')).toBe(true);
    expect(re.test('/api/v2x0/projects/library/members/3')).toBe(false);
    expect(re.test('/api/v2.0/projects/a/b/members/3')).toBe(false);
    expect(compile('/static/*').test('/static/a/b.js')).toBe(true);
  });

  it('lists the methods of every matching pattern', () => {
    const table = new RouteTable();
    table.add('GET', '/api/v2.0/users/:user_id');
    table.add(['PUT', 'DELETE'], '/api/v2.0/users/:user_id');
    table.add('GET', '/api/v2.0/users/current');
    expect(table.allowed('/api/v2.0/users/current?x=1')).toEqual(['DELETE', 'GET', 'PUT']);
    expect(table.allowed('/api/v2.0/users/7')).toEqual(['DELETE', 'GET', 'PUT']);
    expect(table.allowed('/api/v2.0/nothing')).toEqual([]);
  });
});
