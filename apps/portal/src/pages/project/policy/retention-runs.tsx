import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Modal, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../../api/client';
import { listQuery } from '../../../api/list';
import { ErrorAlert, errorMessage } from '../../../components/error-alert';
import { formatDate } from '../../../lib/format';
import { useListState } from '../../../lib/use-list-state';
import { ACTIVE_STATUSES, type RetentionExecution, type RetentionTask } from './policy-types';
import { StatusTag, type Tone } from './status-tag';

const STATUS_TONE: Readonly<Record<string, Tone>> = { Pending: 'neutral', Running: 'processing', Success: 'success', Error: 'error', Stopped: 'warning' };
/** How often a list with a run still going asks again. */
const POLL_MS = 3000;

function RunStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  const label =
    status === 'Pending'
      ? t('retention:status.Pending')
      : status === 'Running'
        ? t('retention:status.Running')
        : status === 'Success'
          ? t('retention:status.Success')
          : status === 'Error'
            ? t('retention:status.Error')
            : status === 'Stopped'
              ? t('retention:status.Stopped')
              : status;
  return <StatusTag tone={STATUS_TONE[status] ?? 'neutral'}>{label}</StatusTag>;
}

/** The runs of a policy, newest first, paged by the server; each expands to its repositories. */
export function RetentionRuns({ policyId, canStop }: { policyId: number; canStop: boolean }) {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const list = useListState();

  const executions = useQuery({
    queryKey: ['retention-executions', policyId, list.state.page, list.state.pageSize],
    queryFn: () => api.list<RetentionExecution>(`${API}/retentions/${policyId}/executions`, { query: listQuery({ page: list.state.page, pageSize: list.state.pageSize }) }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((e) => ACTIVE_STATUSES.includes(e.status)) ? POLL_MS : false),
  });

  const stop = (e: RetentionExecution) =>
    modal.confirm({
      title: t('retention:runs.stopTitle', { id: e.id }),
      content: t('retention:runs.stopText'),
      okText: t('retention:runs.stop'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.patch(`${API}/retentions/${policyId}/executions/${e.id}`, { action: 'stop' });
          void message.success(t('retention:runs.stopDone', { id: e.id }));
          await client.invalidateQueries({ queryKey: ['retention-executions', policyId] });
        } catch (err) {
          modal.error({ title: t('retention:runs.stopRefused', { id: e.id }), content: errorMessage(err) });
        }
      },
    });

  const columns: ColumnsType<RetentionExecution> = [
    { title: t('retention:runs.id'), dataIndex: 'id', key: 'id', width: 80 },
    { title: t('retention:runs.status'), dataIndex: 'status', key: 'status', render: (s: string) => <RunStatus status={s} /> },
    { title: t('retention:runs.dryRun'), dataIndex: 'dry_run', key: 'dry_run', render: (d: boolean) => (d ? t('common:yes') : t('common:no')) },
    {
      title: t('retention:runs.trigger'),
      dataIndex: 'trigger',
      key: 'trigger',
      render: (v: string) => (v === 'MANUAL' ? t('retention:trigger.manual') : v === 'SCHEDULE' ? t('retention:trigger.schedule') : v),
    },
    { title: t('retention:runs.started'), dataIndex: 'start_time', key: 'start_time', render: (v: string) => formatDate(v, i18n.language) },
    { title: t('retention:runs.ended'), dataIndex: 'end_time', key: 'end_time', render: (v: string | undefined) => formatDate(v, i18n.language) },
  ];
  if (canStop) {
    columns.push({
      title: t('common:actions'),
      key: 'actions',
      render: (_, e) =>
        ACTIVE_STATUSES.includes(e.status) && (
          <Button size="small" danger onClick={() => stop(e)} aria-label={t('retention:runs.stopLabel', { id: e.id })}>
            {t('retention:runs.stop')}
          </Button>
        ),
    });
  }

  return (
    <section aria-labelledby="retention-runs-title">
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Title id="retention-runs-title" level={3} style={{ margin: 0, fontSize: 18 }}>
          {t('retention:runs.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} aria-label={t('common:refresh')} onClick={() => void executions.refetch()} />
      </Flex>
      <ErrorAlert error={executions.error} />
      <Table<RetentionExecution>
        rowKey="id"
        columns={columns}
        dataSource={executions.data?.items}
        loading={executions.isPending}
        pagination={list.pagination(executions.data?.total)}
        onChange={list.onTableChange}
        size="middle"
        locale={{ emptyText: <Typography.Text type="secondary">{t('retention:runs.empty')}</Typography.Text> }}
        expandable={{ expandedRowRender: (e) => <RetentionTasks policyId={policyId} execution={e} /> }}
      />
    </section>
  );
}

/** The repositories of one run: what each kept of how many, and its log. */
function RetentionTasks({ policyId, execution }: { policyId: number; execution: RetentionExecution }) {
  const { t, i18n } = useTranslation();
  const list = useListState();
  const [logOf, setLogOf] = useState<RetentionTask | null>(null);
  const running = ACTIVE_STATUSES.includes(execution.status);

  const tasks = useQuery({
    queryKey: ['retention-executions', policyId, execution.id, 'tasks', list.state.page, list.state.pageSize],
    queryFn: () =>
      api.list<RetentionTask>(`${API}/retentions/${policyId}/executions/${execution.id}/tasks`, { query: listQuery({ page: list.state.page, pageSize: list.state.pageSize }) }),
    placeholderData: keepPreviousData,
    refetchInterval: running ? POLL_MS : false,
  });

  const columns: ColumnsType<RetentionTask> = [
    { title: t('retention:tasks.repository'), dataIndex: 'repository', key: 'repository' },
    { title: t('retention:tasks.retained'), key: 'retained', render: (_, task) => t('retention:tasks.retainedOf', { retained: task.retained, total: task.total }) },
    { title: t('retention:tasks.status'), dataIndex: 'status', key: 'status', render: (s: string) => <RunStatus status={s} /> },
    { title: t('retention:runs.started'), dataIndex: 'start_time', key: 'start_time', render: (v: string | undefined) => formatDate(v, i18n.language) },
    { title: t('retention:runs.ended'), dataIndex: 'end_time', key: 'end_time', render: (v: string | undefined) => formatDate(v, i18n.language) },
    {
      title: t('retention:tasks.log'),
      key: 'log',
      render: (_, task) => (
        <Button size="small" type="link" onClick={() => setLogOf(task)} aria-label={t('retention:tasks.logLabel', { repository: task.repository })}>
          {t('retention:tasks.log')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <ErrorAlert error={tasks.error} />
      <Table<RetentionTask>
        rowKey="id"
        columns={columns}
        dataSource={tasks.data?.items}
        loading={tasks.isPending}
        pagination={list.pagination(tasks.data?.total)}
        onChange={list.onTableChange}
        size="small"
        locale={{ emptyText: <Typography.Text type="secondary">{running ? t('retention:tasks.waiting') : t('retention:tasks.empty')}</Typography.Text> }}
      />
      {logOf && <TaskLog policyId={policyId} executionId={execution.id} task={logOf} onClose={() => setLogOf(null)} />}
    </>
  );
}

/** A repository's decision log, as the server writes it (plain text). */
function TaskLog({ policyId, executionId, task, onClose }: { policyId: number; executionId: number; task: RetentionTask; onClose(): void }) {
  const { t } = useTranslation();
  const log = useQuery({
    queryKey: ['retention-executions', policyId, executionId, 'log', task.id],
    queryFn: () => api.get<string>(`${API}/retentions/${policyId}/executions/${executionId}/tasks/${task.id}`, { headers: { Accept: 'text/plain' } }),
    refetchInterval: ACTIVE_STATUSES.includes(task.status) ? POLL_MS : false,
  });
  const text = log.data ?? '';
  return (
    <Modal
      open
      width={900}
      title={t('retention:tasks.logTitle', { repository: task.repository })}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('common:close')}
        </Button>
      }
    >
      <ErrorAlert error={log.error} />
      {log.isPending ? (
        <Typography.Text type="secondary">{t('common:loading')}</Typography.Text>
      ) : (
        <pre aria-label={t('retention:tasks.logTitle', { repository: task.repository })} tabIndex={0} style={{ maxHeight: '60vh', overflow: 'auto', background: '#f6f6f6', padding: 12, fontSize: 12, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 }}>
          {text || t('retention:tasks.logEmpty')}
        </pre>
      )}
    </Modal>
  );
}
