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
import { AUDIT_EXT_RESOURCE_TYPES, AUDIT_OPERATIONS, AUDIT_RESOURCE_TYPES, useOperationLabel, useResourceTypeLabel } from './audit-labels';
import { SearchBox } from '../../components/search-box';
import { ToneTag } from '../admin/tone-tag';

/** Harbor's AuditLog. */
export interface AuditLog {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  op_time: string;
  /** The extended log's (Harbor's AuditLogExt) only. */
  operation_description?: string;
  operation_result?: boolean;
}

/**
 * One page of audit records from `path`: newest first, filtered by the server through `q` (user
 * and resource contain the text, type, operation and result exact, time as whole days). With
 * `extended`, the rows of the extended log (GET /auditlog-exts, GET /projects/{name}/auditlog-exts)
 * with their description and result; else those of the older log (/audit-logs, /projects/{name}/logs).
 */
export function AuditLogTable({ path, extended = false }: { path: string; extended?: boolean }) {
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
    ...(extended
      ? ([
          { title: t('logs:column.description'), dataIndex: 'operation_description', key: 'operation_description' },
          {
            title: t('logs:column.result'),
            dataIndex: 'operation_result',
            key: 'operation_result',
            render: (v: boolean) => <ToneTag tone={v ? 'success' : 'error'}>{v ? t('logs:result.success') : t('logs:result.failure')}</ToneTag>,
          },
        ] satisfies ColumnsType<AuditLog>)
      : []),
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
          options={[
            { value: '', label: t('logs:filter.allResourceTypes') },
            ...(extended ? AUDIT_EXT_RESOURCE_TYPES : AUDIT_RESOURCE_TYPES).map((type) => ({ value: type, label: resourceTypeLabel(type) })),
          ]}
        />
        <Select
          aria-label={t('logs:filter.operation')}
          style={{ width: 160 }}
          value={list.state.filters?.operation ?? ''}
          onChange={(v: string) => list.setFilter('operation', exactTerm(v))}
          options={[{ value: '', label: t('logs:filter.allOperations') }, ...AUDIT_OPERATIONS.map((op) => ({ value: op, label: operationLabel(op) }))]}
        />
        {extended && (
          <Select
            aria-label={t('logs:filter.result')}
            style={{ width: 150 }}
            value={list.state.filters?.operation_result ?? ''}
            onChange={(v: string) => list.setFilter('operation_result', exactTerm(v))}
            options={[
              { value: '', label: t('logs:filter.allResults') },
              { value: 'true', label: t('logs:result.success') },
              { value: 'false', label: t('logs:result.failure') },
            ]}
          />
        )}
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
