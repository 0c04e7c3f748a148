import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { listQuery } from '../../api/list';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { SearchBox } from '../../components/search-box';
import { formatDate } from '../../lib/format';
import { useListState } from '../../lib/use-list-state';
import { LabelChip } from './label-chip';
import type { Label } from './label-model';

// The form loads when opened: the list renders without its code.
const LabelDialog = lazy(() => import('./label-dialog').then((m) => ({ default: m.LabelDialog })));

/** Which labels a table shows: the global ones, or one project's. */
export type LabelScope = { kind: 'g' } | { kind: 'p'; projectId: number };

export function labelListQuery(scope: LabelScope): Record<string, string | number> {
  return scope.kind === 'g' ? { scope: 'g' } : { scope: 'p', project_id: scope.projectId };
}

interface Props {
  scope: LabelScope;
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  /** Says that the caller can see the labels but not change them. */
  readOnly?: boolean;
}

/** GET /labels of one scope, paged, sorted and searched by name by the server; create, edit, delete. */
export function LabelsTable({ scope, canCreate, canUpdate, canDelete, readOnly }: Props) {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const list = useListState({ sort: 'name' });
  const [name, setName] = useState('');
  const [editing, setEditing] = useState<{ label?: Label } | null>(null);
  const key = ['labels', scope.kind, scope.kind === 'p' ? scope.projectId : 0];

  const labels = useQuery({
    queryKey: [...key, list.state, name],
    queryFn: () => api.list<Label>(`${API}/labels`, { query: listQuery(list.state, { ...labelListQuery(scope), name }) }),
    placeholderData: keepPreviousData,
  });

  const remove = (label: Label) =>
    modal.confirm({
      title: t('labels:delete.title', { name: label.name }),
      content: t('labels:delete.text'),
      okText: t('common:delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.delete(`${API}/labels/${label.id}`);
          void message.success(t('labels:delete.done', { name: label.name }));
          await client.invalidateQueries({ queryKey: ['labels'] });
          await client.invalidateQueries({ queryKey: ['artifacts'] });
        } catch (err) {
          modal.error({ title: t('labels:delete.refused', { name: label.name }), content: errorMessage(err) });
        }
      },
    });

  const columns: ColumnsType<Label> = [
    { title: t('labels:column.name'), dataIndex: 'name', key: 'name', sorter: true, defaultSortOrder: 'ascend', render: (_: string, l) => <LabelChip label={l} /> },
    { title: t('labels:column.description'), dataIndex: 'description', key: 'description', render: (d: string) => (d ? <Typography.Text>{d}</Typography.Text> : '—') },
    { title: t('labels:column.created'), dataIndex: 'creation_time', key: 'creation_time', sorter: true, render: (v: string) => formatDate(v, i18n.language) },
  ];
  if (canUpdate || canDelete) {
    columns.push({
      title: t('common:actions'),
      key: 'actions',
      render: (_, l) => (
        <Space size={4} wrap>
          {canUpdate && (
            <Button size="small" onClick={() => setEditing({ label: l })} aria-label={t('labels:form.editButton', { name: l.name })}>
              {t('labels:form.edit')}
            </Button>
          )}
          {canDelete && (
            <Button size="small" danger onClick={() => remove(l)} aria-label={t('labels:delete.button', { name: l.name })}>
              {t('common:delete')}
            </Button>
          )}
        </Space>
      ),
    });
  }

  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        {canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})}>
            {t('labels:form.createButton')}
          </Button>
        )}
        <SearchBox allowClear placeholder={t('labels:search')} aria-label={t('labels:search')} onSearch={(v) => { setName(v.trim()); list.setState((s) => ({ ...s, page: 1 })); }} style={{ width: 260 }} />
        <Button icon={<ReloadOutlined />} aria-label={t('common:refresh')} onClick={() => void client.invalidateQueries({ queryKey: key })} />
      </Space>
      {readOnly && <Alert type="info" showIcon title={t('labels:readOnly')} style={{ marginBottom: 16 }} />}
      <ErrorAlert error={labels.error} />
      <Table<Label>
        rowKey="id"
        columns={columns}
        dataSource={labels.data?.items}
        loading={labels.isFetching}
        pagination={list.pagination(labels.data?.total)}
        onChange={list.onTableChange}
        locale={{ emptyText: t('labels:empty') }}
        size="middle"
      />
      {editing !== null && (
        <Suspense fallback={null}>
          <LabelDialog scope={scope} label={editing.label} open onClose={() => setEditing(null)} />
        </Suspense>
      )}
    </>
  );
}
