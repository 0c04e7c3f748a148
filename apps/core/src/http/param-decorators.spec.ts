import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { HarborError } from './harbor-error';
import { type Listing, ListParams, type ListRequest } from './query-param';
import { ProjectRef } from '../projects/project-param';

/** Where @nestjs/swagger keeps an operation's @ApiQuery/@ApiParam/@ApiHeader entries. */
const API_PARAMETERS = 'swagger/apiParameters';

class Handlers {
  list(@ListParams() list: ListRequest): ListRequest {
    return list;
  }

  pageOnly(@ListParams({ query: false, sort: false }) list: ListRequest): ListRequest {
    return list;
  }

  project(@ProjectRef() project: unknown): unknown {
    return project;
  }
}

type Request = { query?: Record<string, unknown>; params?: Record<string, string>; headers?: Record<string, string | string[]> };

/** What the handler's first argument would be for this request. */
function argument(method: keyof Handlers, req: Request, headers: Record<string, string> = {}): unknown {
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Handlers, method) as Record<string, { factory: (data: unknown, ctx: ExecutionContext) => unknown; data: unknown }>;
  const [arg] = Object.values(args);
  const request = { url: '/api/v2.0/things?q=a', query: {}, params: {}, headers: {}, ...req };
  const reply = { header: (name: string, value: string) => void (headers[name] = value) };
  const ctx = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ExecutionContext;
  return arg.factory(arg.data, ctx);
}

function refusal(fn: () => unknown): [number, string] | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof HarborError) return [err.getStatus(), err.message];
    throw err;
  }
  return undefined;
}

function documented(method: keyof Handlers): string[] {
  const params = (Reflect.getMetadata(API_PARAMETERS, Handlers.prototype[method]) ?? []) as { name: string; in: string; required?: boolean }[];
  return params.map((p) => `${p.in} ${p.name}${p.required ? '' : '?'}`);
}

describe('ListParams', () => {
  it('parses page, page_size, q and sort and documents them', () => {
    const list = argument('list', { query: { page: '2', page_size: '5', q: 'name=~a', sort: '-name' } }) as ListRequest;
    expect(list.paging).toEqual({ page: 2, pageSize: 5, offset: 5 });
    expect([...list.query.keys()]).toEqual(['name']);
    expect(list.sort).toEqual([{ key: 'name', descending: true }]);
    expect(documented('list')).toEqual(['query page?', 'query page_size?', 'query q?', 'query sort?']);
  });

  it('answers with the page items and sets X-Total-Count and Link', () => {
    const headers: Record<string, string> = {};
    const list = argument('list', { query: { page: '2', page_size: '2' } }, headers) as Listing;
    expect(list.answer({ total: 5, items: ['c', 'd'] })).toEqual(['c', 'd']);
    expect(headers).toEqual({
      'X-Total-Count': '5',
      Link: '</api/v2.0/things?q=a&page=1&page_size=2>; rel="prev" , </api/v2.0/things?q=a&page=3&page_size=2>; rel="next"',
    });
  });

  it('refuses malformed paging with 422 and a repeated parameter with 400', () => {
    expect(refusal(() => argument('list', { query: { page_size: '101' } }))?.[0]).toBe(422);
    expect(refusal(() => argument('list', { query: { page: 'x' } }))?.[0]).toBe(422);
    expect(refusal(() => argument('list', { query: { q: ['a=1', 'b=2'] } }))?.[0]).toBe(400);
    expect(refusal(() => argument('list', { query: { sort: ',' } }))?.[0]).toBe(400);
  });

  it('neither reads nor documents q and sort when the operation does not take them', () => {
    const list = argument('pageOnly', { query: { q: ['repeated', 'twice'], sort: ',' } }) as ListRequest;
    expect(list.query.size).toBe(0);
    expect(list.sort).toEqual([]);
    expect(documented('pageOnly')).toEqual(['query page?', 'query page_size?']);
  });
});

describe('ProjectRef', () => {
  it('reads the path parameter and the optional X-Is-Resource-Name header', () => {
    expect(argument('project', { params: { project_name_or_id: '12' } })).toEqual({ nameOrId: '12', isName: false });
    expect(argument('project', { params: { project_name_or_id: '12' }, headers: { 'x-is-resource-name': 'TRUE' } })).toEqual({ nameOrId: '12', isName: true });
    expect(argument('project', { params: { project_name_or_id: 'lib' }, headers: { 'x-is-resource-name': 'false' } })).toEqual({ nameOrId: 'lib', isName: false });
    expect(documented('project')).toEqual(['path project_name_or_id', 'header X-Is-Resource-Name?']);
  });

  it('refuses a header that is not true or false with 400', () => {
    expect(refusal(() => argument('project', { params: { project_name_or_id: 'lib' }, headers: { 'x-is-resource-name': 'yes' } }))?.[0]).toBe(400);
  });
});
