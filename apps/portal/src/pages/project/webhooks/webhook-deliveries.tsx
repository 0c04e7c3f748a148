import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Drawer, Modal, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../../api/client';
import { listQuery } from '../../../api/list';
import { ErrorAlert } from '../../../components/error-alert';
import { formatDate } from '../../../lib/format';
import { useListState } from '../../../lib/use-list-state';
import { DeliveryStatus, useEventTypeLabel } from './webhook-labels';
import { type Execution, isZeroTime, payloadText, type Task, type WebhookPolicy } from './webhook-policy';

const preStyle = { maxHeight: 360, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all', background: 'rgba(0,0,0,0.04)', padding: 12, margin: 0 } as const;

function policyPath(projectId: number, policyId: number) {
  return `${API}/projects/${projectId}/webhook/policies/${policyId}`;
}

/** GET .../tasks/{id}/log: the delivery attempts as the job service wrote them, shown as plain text. */
function TaskLog({ projectId, policyId, task, onClose }: { projectId: number; policyId: number; task: Task | null; onClose: () => void }) {
  const { t } = useTranslation();
  const log = useQuery({
    queryKey: ['webhooks', projectId, 'log', policyId, task?.execution_id, task?.id],
    queryFn: () => api.get<string>(`${policyPath(projectId, policyId)}/executions/${task?.execution_id}/tasks/${task?.id}/log`, { headers: { Accept: 'text/plain' } }),
    enabled: task !== null,
  });
  return (
    <Modal open={task !== null} title={t('webhooks:history.logTitle', { id: task?.id ?? '' })} onCancel={onClose} footer={null} width={760}>
      <ErrorAlert error={log.error} />
      {log.isLoading ? (
        <Typography.Text type="secondary">{t('common:loading')}</Typography.Text>
      ) : (
        log.data !== undefined && (
          <pre style={preStyle} aria-label={t('webhooks:history.logTitle', { id: task?.id ?? '' })} tabIndex={0}>
            {String(log.data) || t('webhooks:history.emptyLog')}
          </pre>
        )
      )}
    </Modal>
  );
}

/** The tasks (one per target) of one delivery, and the payload it carried. */
function DeliveryTasks({ projectId, policyId, execution, onLog }: { projectId: number; policyId: number; execution: Execution; onLog: (task: Task) => void }) {
  const { t, i18n } = useTranslation();
  const list = useListState();
  const tasks = useQuery({
    queryKey: ['webhooks', projectId, 'tasks', policyId, execution.id, list.state],
    queryFn: () => api.list<Task>(`${policyPath(projectId, policyId)}/executions/${execution.id}/tasks`, { query: listQuery(list.state) }),
    placeholderData: keepPreviousData,
  });
  const payload = payloadText(execution.extra_attrs);
  const columns: ColumnsType<Task> = [
    { title: t('webhooks:history.task'), dataIndex: 'id', key: 'id' },
    { title: t('webhooks:history.status'), dataIndex: 'status', key: 'status', render: (s: string, task) => <Space orientation="vertical" size={0}><DeliveryStatus status={s} />{task.status_message && <Typography.Text type="secondary">{task.status_message}</Typography.Text>}</Space> },
    { title: t('webhooks:history.attempts'), dataIndex: 'run_count', key: 'run_count' },
    { title: t('webhooks:history.started'), dataIndex: 'start_time', key: 'start_time', render: (v: string) => (isZeroTime(v) ? '—' : formatDate(v, i18n.language)) },
    { title: t('webhooks:history.ended'), dataIndex: 'end_time', key: 'end_time', render: (v: string) => (isZeroTime(v) ? '—' : formatDate(v, i18n.language)) },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, task) => (
        <Button size="small" onClick={() => onLog(task)} aria-label={t('webhooks:history.logButton', { id: task.id })}>
          {t('webhooks:history.log')}
        </Button>
      ),
    },
  ];
  return (
    <>
      <ErrorAlert error={tasks.error} />
      <Table<Task> rowKey="id" size="small" columns={columns} dataSource={tasks.data?.items} loading={tasks.isFetching} pagination={list.pagination(tasks.data?.total)} onChange={list.onTableChange} />
      {payload !== undefined && (
        <>
          <Typography.Text strong>{t('webhooks:history.payload')}</Typography.Text>
          <pre style={preStyle} aria-label={t('webhooks:history.payload')} tabIndex={0}>
            {payload}
          </pre>
        </>
      )}
    </>
  );
}

/** GET .../policies/{id}/executions, paged by the server, newest first; each opens to its tasks. */
export function WebhookDeliveries({ projectId, policy, onClose }: { projectId: number; policy: WebhookPolicy | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const eventLabel = useEventTypeLabel();
  const list = useListState({ sort: '-start_time' });
  const [logTask, setLogTask] = useState<Task | null>(null);
  const executions = useQuery({
    queryKey: ['webhooks', projectId, 'executions', policy?.id, list.state],
    queryFn: () => api.list<Execution>(`${policyPath(projectId, policy?.id ?? 0)}/executions`, { query: listQuery(list.state) }),
    enabled: policy !== null,
    placeholderData: keepPreviousData,
  });

  const columns: ColumnsType<Execution> = [
    { title: t('webhooks:history.delivery'), dataIndex: 'id', key: 'id', sorter: true },
    { title: t('webhooks:history.eventType'), key: 'event_type', render: (_, e) => (typeof e.extra_attrs?.['event_type'] === 'string' ? eventLabel(e.extra_attrs['event_type']) : '—') },
    { title: t('webhooks:history.status'), dataIndex: 'status', key: 'status', render: (s: string) => <DeliveryStatus status={s} /> },
    { title: t('webhooks:history.started'), dataIndex: 'start_time', key: 'start_time', sorter: true, defaultSortOrder: 'descend', render: (v: string) => formatDate(v, i18n.language) },
    { title: t('webhooks:history.ended'), dataIndex: 'end_time', key: 'end_time', sorter: true, render: (v: string) => (isZeroTime(v) ? '—' : formatDate(v, i18n.language)) },
  ];

  return (
    <Drawer open={policy !== null} onClose={onClose} size="large" title={t('webhooks:history.title', { name: policy?.name ?? '' })} destroyOnHidden>
      <Space style={{ marginBottom: 12 }}>
        <Button onClick={() => void executions.refetch()}>{t('common:refresh')}</Button>
      </Space>
      <ErrorAlert error={executions.error} />
      {policy && (
        <Table<Execution>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={executions.data?.items}
          loading={executions.isFetching}
          pagination={list.pagination(executions.data?.total)}
          onChange={list.onTableChange}
          locale={{ emptyText: t('webhooks:history.none') }}
          expandable={{
            expandedRowRender: (e) => <DeliveryTasks projectId={projectId} policyId={policy.id} execution={e} onLog={setLogTask} />,
            expandRowByClick: false,
          }}
        />
      )}
      {policy && <TaskLog projectId={projectId} policyId={policy.id} task={logTask} onClose={() => setLogTask(null)} />}
    </Drawer>
  );
}
