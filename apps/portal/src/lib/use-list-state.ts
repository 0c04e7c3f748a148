import type { TablePaginationConfig } from 'antd';
import { useCallback, useState } from 'react';
import { DEFAULT_PAGE_SIZE, type ListState, PAGE_SIZES, sortParam } from '../api/list';

/** What antd's Table hands its onChange as the sorter, whatever the row type. */
interface Sorter {
  columnKey?: unknown;
  field?: unknown;
  order?: 'ascend' | 'descend' | null;
}

/**
 * Page, page size, sort and filters of a server-side table, with the antd handlers that change
 * them. A new filter goes back to the first page.
 */
export function useListState(initial: Partial<ListState> = {}) {
  const [state, setState] = useState<ListState>({ page: 1, pageSize: DEFAULT_PAGE_SIZE, ...initial });

  const setFilter = useCallback((key: string, value: string | undefined) => {
    setState((s) => ({ ...s, page: 1, filters: { ...s.filters, [key]: value } }));
  }, []);

  const onTableChange = useCallback((pagination: TablePaginationConfig, _filters: unknown, sorter: Sorter | Sorter[]) => {
    const one = Array.isArray(sorter) ? sorter[0] : sorter;
    const field = one?.columnKey ?? (Array.isArray(one?.field) ? one.field.join('.') : one?.field);
    setState((s) => ({
      ...s,
      page: pagination.current ?? 1,
      pageSize: pagination.pageSize ?? s.pageSize,
      sort: sortParam(field === undefined ? undefined : String(field), one?.order) ?? initial.sort,
    }));
  }, [initial.sort]);

  const pagination = (total: number | undefined): TablePaginationConfig => ({
    current: state.page,
    pageSize: state.pageSize,
    total: total ?? 0,
    showSizeChanger: true,
    pageSizeOptions: PAGE_SIZES,
  });

  /** A server-side table's rows, loading state, pager and change handler from the list's query. */
  const tableProps = <T,>(query: { data?: { items: T[]; total: number }; isFetching: boolean }) => ({
    dataSource: query.data?.items,
    loading: query.isFetching,
    pagination: pagination(query.data?.total),
    onChange: onTableChange,
  });

  return { state, setState, setFilter, onTableChange, pagination, tableProps };
}
