import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, DatePicker, Select, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { listQuery } from '../../api/list';
import { dayRangeTerm, exactTerm, fuzzyTerm } from '../../api/q-terms';
import { ErrorAlert } from '../../components/error-alert';
import { formatDate } from '../../lib/format';
import { useListState } from '../../lib/use-list-state';
import { AUDIT_OPERATIONS, AUDIT_RESOURCE_TYPES, useOperationLabel, useResourceTypeLabel } from './audit-labels';
import { SearchBox } from '../../components/search-box';

/** Harbor's AuditLog. */
export interface AuditLog {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  op_time: string;
}

/**
 * One page of audit records from `path` (GET /audit-logs, GET /projects/{name}/logs): newest
 * first, filtered by the server through `q` (user and resource contain the text, type and
 * operation exact, time as whole days).
 */
export function AuditLogTable({ path }: { path: string }) {
  const { t, i18n } = useTranslation();
  const list = useListState({ sort: '-op_time' });
  const operationLabel = useOperationLabel();
  const resourceTypeLabel = useResourceTypeLabel();

  const query = useQuery({
    queryKey: ['audit-logs', path, list.state],
    queryFn: () => api.list<AuditLog>(path, { query: listQuery(list.state) }),
    placeholderData: keepPreviousData,
  });

  const columns: ColumnsType<AuditLog> = [
    { title: t('logs:column.username'), dataIndex: 'username', key: 'username', sorter: true },
    { title: t('logs:column.resource'), dataIndex: 'resource', key: 'resource', sorter: true },
    { title: t('logs:column.resourceType'), dataIndex: 'resource_type', key: 'resource_type', sorter: true, render: (v: string) => resourceTypeLabel(v) },
    { title: t('logs:column.operation'), dataIndex: 'operation', key: 'operation', sorter: true, render: (v: string) => <Tag>{operationLabel(v)}</Tag> },
    {
      title: t('logs:column.time'),
      dataIndex: 'op_time',
      key: 'op_time',
      sorter: true,
      defaultSortOrder: 'descend',
      render: (v: string) => <time dateTime={v}>{formatDate(v, i18n.language)}</time>,
    },
  ];

  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        <SearchBox allowClear placeholder={t('logs:filter.username')} aria-label={t('logs:filter.username')} onSearch={(v) => list.setFilter('username', fuzzyTerm(v))} style={{ width: 200 }} />
        <SearchBox allowClear placeholder={t('logs:filter.resource')} aria-label={t('logs:filter.resource')} onSearch={(v) => list.setFilter('resource', fuzzyTerm(v))} style={{ width: 220 }} />
        <Select
          aria-label={t('logs:filter.resourceType')}
          style={{ width: 190 }}
          value={list.state.filters?.resource_type ?? ''}
          onChange={(v: string) => list.setFilter('resource_type', exactTerm(v))}
          options={[{ value: '', label: t('logs:filter.allResourceTypes') }, ...AUDIT_RESOURCE_TYPES.map((type) => ({ value: type, label: resourceTypeLabel(type) }))]}
        />
        <Select
          aria-label={t('logs:filter.operation')}
          style={{ width: 160 }}
          value={list.state.filters?.operation ?? ''}
          onChange={(v: string) => list.setFilter('operation', exactTerm(v))}
          options={[{ value: '', label: t('logs:filter.allOperations') }, ...AUDIT_OPERATIONS.map((op) => ({ value: op, label: operationLabel(op) }))]}
        />
        <DatePicker.RangePicker
          allowEmpty={[true, true]}
          format="YYYY-MM-DD"
          aria-label={t('logs:filter.time')}
          placeholder={[t('logs:filter.from'), t('logs:filter.to')]}
          onChange={(_, [from, to]) => list.setFilter('op_time', dayRangeTerm(from, to))}
        />
        <Button icon={<ReloadOutlined />} aria-label={t('common:refresh')} onClick={() => void query.refetch()} />
      </Space>
      <ErrorAlert error={query.error} />
      <Table<AuditLog>
        rowKey="id"
        columns={columns}
        dataSource={query.data?.items}
        loading={query.isFetching}
        pagination={list.pagination(query.data?.total)}
        onChange={list.onTableChange}
        size="middle"
      />
    </>
  );
}
