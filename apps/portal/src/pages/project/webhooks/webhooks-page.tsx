import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../../api/client';
import { listQuery } from '../../../api/list';
import { useProjectPermissions } from '../../../auth/project-permissions';
import { ErrorAlert, errorMessage } from '../../../components/error-alert';
import { formatDate } from '../../../lib/format';
import { useListState } from '../../../lib/use-list-state';
import { useProject } from '../use-project';
import { WebhookDeliveries } from './webhook-deliveries';
import { NotifyTypeName, useEventTypeLabel } from './webhook-labels';
import { lastTriggerByPolicy, type SupportedEventTypes, type WebhookLastTrigger, type WebhookPolicy } from './webhook-policy';
import { SearchBox } from '../../../components/search-box';

// Dialogs load when opened: a list page renders without their code.
const WebhookPolicyDialog = lazy(() => import('./webhook-policy-dialog').then((m) => ({ default: m.WebhookPolicyDialog })));

/** A project's webhook policies (GET .../webhook/policies, paged and sorted by the server) and their deliveries. */
export default function WebhooksPage() {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const project = useProject();
  const projectId = project.project_id;
  const permissions = useProjectPermissions(projectId);
  const canList = permissions.can('notification-policy', 'list');
  const canRead = permissions.can('notification-policy', 'read');
  const canCreate = permissions.can('notification-policy', 'create');
  const canUpdate = permissions.can('notification-policy', 'update');
  const canDelete = permissions.can('notification-policy', 'delete');
  const eventLabel = useEventTypeLabel();
  const list = useListState({ sort: '-creation_time' });
  const [editing, setEditing] = useState<{ policy?: WebhookPolicy } | null>(null);
  const [history, setHistory] = useState<WebhookPolicy | null>(null);
  const [toggling, setToggling] = useState<number | null>(null);
  const base = `${API}/projects/${projectId}/webhook`;

  const policies = useQuery({
    queryKey: ['webhooks', projectId, 'policies', list.state],
    queryFn: () => api.list<WebhookPolicy>(`${base}/policies`, { query: listQuery(list.state) }),
    placeholderData: keepPreviousData,
  });
  const supported = useQuery({
    queryKey: ['webhooks', projectId, 'events'],
    queryFn: () => api.get<SupportedEventTypes>(`${base}/events`),
    enabled: canRead,
    staleTime: 300_000,
  });
  const lastTrigger = useQuery({
    queryKey: ['webhooks', projectId, 'lasttrigger'],
    queryFn: () => api.get<WebhookLastTrigger[]>(`${base}/lasttrigger`),
    enabled: canRead,
  });
  const lastByPolicy = lastTriggerByPolicy(lastTrigger.data);

  const setEnabled = async (policy: WebhookPolicy, enabled: boolean) => {
    setToggling(policy.id);
    try {
      await api.put(`${base}/policies/${policy.id}`, { enabled });
      void message.success(enabled ? t('webhooks:enable.enabled', { name: policy.name }) : t('webhooks:enable.disabled', { name: policy.name }));
      await client.invalidateQueries({ queryKey: ['webhooks', projectId] });
    } catch (err) {
      modal.error({ title: t('webhooks:enable.refused', { name: policy.name }), content: errorMessage(err) });
    } finally {
      setToggling(null);
    }
  };

  const remove = (policy: WebhookPolicy) =>
    modal.confirm({
      title: t('webhooks:delete.title', { name: policy.name }),
      content: t('webhooks:delete.text'),
      okText: t('common:delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.delete(`${base}/policies/${policy.id}`);
          void message.success(t('webhooks:delete.done', { name: policy.name }));
          await client.invalidateQueries({ queryKey: ['webhooks', projectId] });
        } catch (err) {
          modal.error({ title: t('webhooks:delete.refused', { name: policy.name }), content: errorMessage(err) });
        }
      },
    });

  const columns: ColumnsType<WebhookPolicy> = [
    {
      title: t('webhooks:column.name'),
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      render: (name: string, p) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{name}</Typography.Text>
          {p.description && <Typography.Text type="secondary">{p.description}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t('webhooks:column.enabled'),
      dataIndex: 'enabled',
      key: 'enabled',
      render: (enabled: boolean, p) => (
        <Switch
          size="small"
          checked={enabled}
          loading={toggling === p.id}
          disabled={!canUpdate}
          onChange={(on) => void setEnabled(p, on)}
          aria-label={enabled ? t('webhooks:enable.disable', { name: p.name }) : t('webhooks:enable.enable', { name: p.name })}
        />
      ),
    },
    {
      title: t('webhooks:column.endpoint'),
      key: 'endpoint',
      render: (_, p) => (
        <Space orientation="vertical" size={0}>
          {p.targets.map((target, i) => (
            <Typography.Text key={i} style={{ wordBreak: 'break-all' }}>
              <Tag>
                <NotifyTypeName type={target.type} />
              </Tag>
              {target.address}
            </Typography.Text>
          ))}
        </Space>
      ),
    },
    {
      title: t('webhooks:column.eventTypes'),
      dataIndex: 'event_types',
      key: 'event_types',
      render: (types: string[]) => (
        <Space size={[0, 4]} wrap>
          {types.map((type) => (
            <Tag key={type}>{eventLabel(type)}</Tag>
          ))}
        </Space>
      ),
    },
    ...(canRead
      ? [{ title: t('webhooks:column.lastTriggered'), key: 'last', render: (_: unknown, p: WebhookPolicy) => formatDate(lastByPolicy.get(p.name), i18n.language) }]
      : []),
    { title: t('webhooks:column.created'), dataIndex: 'creation_time', key: 'creation_time', sorter: true, defaultSortOrder: 'descend', render: (v: string) => formatDate(v, i18n.language) },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, p) => (
        <Space size={4} wrap>
          {canRead && (
            <Button size="small" onClick={() => setHistory(p)} aria-label={t('webhooks:history.button', { name: p.name })}>
              {t('webhooks:history.open')}
            </Button>
          )}
          {canUpdate && (
            <Button size="small" onClick={() => setEditing({ policy: p })} aria-label={t('webhooks:form.editButton', { name: p.name })}>
              {t('webhooks:form.edit')}
            </Button>
          )}
          {canDelete && (
            <Button size="small" danger onClick={() => remove(p)} aria-label={t('webhooks:delete.button', { name: p.name })}>
              {t('common:delete')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        {canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} disabled={!supported.data}>
            {t('webhooks:form.createButton')}
          </Button>
        )}
        <SearchBox
          allowClear
          placeholder={t('webhooks:search')}
          aria-label={t('webhooks:search')}
          onSearch={(v) => list.setFilter('name', v ? `~${v}` : undefined)}
          style={{ width: 260 }}
        />
        <Button onClick={() => void client.invalidateQueries({ queryKey: ['webhooks', projectId] })}>{t('common:refresh')}</Button>
      </Space>
      {permissions.loaded && canList && !canCreate && <Alert type="info" showIcon title={t('webhooks:readOnly')} style={{ marginBottom: 16 }} />}
      <ErrorAlert error={policies.error} />
      <ErrorAlert error={supported.error} />
      <Table<WebhookPolicy>
        rowKey="id"
        columns={columns}
        dataSource={policies.data?.items}
        loading={policies.isFetching}
        pagination={list.pagination(policies.data?.total)}
        onChange={list.onTableChange}
        locale={{ emptyText: t('webhooks:empty') }}
        size="middle"
      />
      {editing !== null && <Suspense fallback={null}><WebhookPolicyDialog projectId={projectId} supported={supported.data} policy={editing?.policy} open onClose={() => setEditing(null)} /></Suspense>}
      <WebhookDeliveries projectId={projectId} policy={history} onClose={() => setHistory(null)} />
    </>
  );
}
