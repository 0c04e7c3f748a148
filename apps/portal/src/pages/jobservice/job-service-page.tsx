import { ReloadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Modal, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { LogText } from '../../components/log-text';
import { PageHeader } from '../../components/page-header';
import { PageLoading } from '../../layout/page-loading';
import { formatDate, formatNumber } from '../../lib/format';
import { ToneTag } from '../admin/tone-tag';
import { formatLatency, type JobQueue, type QueueAction, queueActions, type Worker, type WorkerPool } from './job-service-model';

/** The dashboard shows live state: read again this often. */
const REFRESH_MS = 5000;

/** Administration → Job Service Dashboard: the job queues (pause, resume, stop waiting jobs), the worker pools and their workers. */
export default function JobServicePage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: ['jobservice'] });
  return (
    <>
      <PageHeader title={t('jobservice:title')} extra={<Button icon={<ReloadOutlined />} onClick={refresh} aria-label={t('common:refresh')} />}>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('jobservice:intro')}
        </Typography.Paragraph>
      </PageHeader>
      <Flex vertical gap={16}>
        <QueuesCard />
        <PoolsCard />
        <WorkersCard />
      </Flex>
    </>
  );
}

interface ActionTexts {
  button: string;
  all: string;
  confirm(name: string): string;
  done(name: string): string;
  aria(name: string): string;
}

/** Each queue action's texts, under literal keys. */
function useActionTexts(): Record<QueueAction, ActionTexts> {
  const { t } = useTranslation();
  return {
    stop: {
      button: t('jobservice:queues.action.stop'),
      all: t('jobservice:queues.allAction.stop'),
      confirm: (name) => t('jobservice:queues.confirm.stop', { name }),
      done: (name) => t('jobservice:queues.done.stop', { name }),
      aria: (name) => t('jobservice:queues.aria.stop', { name }),
    },
    pause: {
      button: t('jobservice:queues.action.pause'),
      all: t('jobservice:queues.allAction.pause'),
      confirm: (name) => t('jobservice:queues.confirm.pause', { name }),
      done: (name) => t('jobservice:queues.done.pause', { name }),
      aria: (name) => t('jobservice:queues.aria.pause', { name }),
    },
    resume: {
      button: t('jobservice:queues.action.resume'),
      all: t('jobservice:queues.allAction.resume'),
      confirm: (name) => t('jobservice:queues.confirm.resume', { name }),
      done: (name) => t('jobservice:queues.done.resume', { name }),
      aria: (name) => t('jobservice:queues.aria.resume', { name }),
    },
  };
}

function QueuesCard() {
  const { t, i18n } = useTranslation();
  const texts = useActionTexts();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const query = useQuery({ queryKey: ['jobservice', 'queues'], queryFn: () => api.get<JobQueue[]>(`${API}/jobservice/queues`), refetchInterval: REFRESH_MS });

  const act = (jobType: string, action: QueueAction) => {
    const name = jobType === 'all' ? t('jobservice:queues.all') : jobType;
    modal.confirm({
      title: texts[action].confirm(name),
      content: action === 'stop' ? t('jobservice:queues.stopText') : undefined,
      okText: texts[action].button,
      okButtonProps: { danger: action === 'stop' },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.put(`${API}/jobservice/queues/${encodeURIComponent(jobType)}`, { action });
          void message.success(texts[action].done(name));
        } catch (err) {
          modal.error({ title: t('jobservice:queues.refused', { name }), content: errorMessage(err) });
        } finally {
          await client.invalidateQueries({ queryKey: ['jobservice'] });
        }
      },
    });
  };

  const columns: ColumnsType<JobQueue> = [
    { title: t('jobservice:queues.column.type'), dataIndex: 'job_type', key: 'job_type' },
    { title: t('jobservice:queues.column.count'), dataIndex: 'count', key: 'count', render: (v: number) => formatNumber(v, i18n.language) },
    { title: t('jobservice:queues.column.latency'), dataIndex: 'latency', key: 'latency', render: (v: number) => formatLatency(v) },
    {
      title: t('jobservice:queues.column.status'),
      key: 'paused',
      render: (_, q) => (q.paused ? <ToneTag tone="warning">{t('jobservice:queues.paused')}</ToneTag> : <ToneTag tone="success">{t('jobservice:queues.running')}</ToneTag>),
    },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, q) => (
        <Space>
          {queueActions(q).map((action) => (
            <Button
              key={action}
              size="small"
              danger={action === 'stop'}
              autoInsertSpace={false}
              onClick={() => act(q.job_type, action)}
              aria-label={texts[action].aria(q.job_type)}
            >
              {texts[action].button}
            </Button>
          ))}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t('jobservice:queues.title')}
      extra={
        <Space>
          {(['stop', 'pause', 'resume'] as const).map((action) => (
            <Button key={action} size="small" danger={action === 'stop'} autoInsertSpace={false} onClick={() => act('all', action)}>
              {texts[action].all}
            </Button>
          ))}
        </Space>
      }
    >
      <ErrorAlert error={query.error} />
      <Table<JobQueue> rowKey="job_type" columns={columns} dataSource={query.data} loading={query.isLoading} pagination={false} size="middle" scroll={{ x: 'max-content' }} />
    </Card>
  );
}

function PoolsCard() {
  const { t, i18n } = useTranslation();
  const query = useQuery({ queryKey: ['jobservice', 'pools'], queryFn: () => api.get<WorkerPool[]>(`${API}/jobservice/pools`), refetchInterval: REFRESH_MS });
  const columns: ColumnsType<WorkerPool> = [
    { title: t('jobservice:pools.column.id'), dataIndex: 'worker_pool_id', key: 'id' },
    { title: t('jobservice:pools.column.host'), dataIndex: 'host', key: 'host' },
    { title: t('jobservice:pools.column.pid'), dataIndex: 'pid', key: 'pid' },
    { title: t('jobservice:pools.column.concurrency'), dataIndex: 'concurrency', key: 'concurrency' },
    { title: t('jobservice:pools.column.started'), dataIndex: 'start_at', key: 'start_at', render: (v: string) => formatDate(v, i18n.language) },
    { title: t('jobservice:pools.column.heartbeat'), dataIndex: 'heartbeat_at', key: 'heartbeat_at', render: (v: string) => formatDate(v, i18n.language) },
  ];
  return (
    <Card title={t('jobservice:pools.title')}>
      <ErrorAlert error={query.error} />
      <Table<WorkerPool>
        rowKey="worker_pool_id"
        columns={columns}
        dataSource={query.data}
        loading={query.isLoading}
        pagination={false}
        size="middle"
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('jobservice:pools.none') }}
      />
    </Card>
  );
}

function WorkersCard() {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const [logOf, setLogOf] = useState<string | null>(null);
  const [busyOnly, setBusyOnly] = useState(true);
  const query = useQuery({ queryKey: ['jobservice', 'workers'], queryFn: () => api.get<Worker[]>(`${API}/jobservice/pools/all/workers`), refetchInterval: REFRESH_MS });

  const stop = (jobId: string) =>
    modal.confirm({
      title: t('jobservice:workers.stop.title', { id: jobId }),
      content: t('jobservice:workers.stop.text'),
      okText: t('jobservice:workers.stop.button'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.put(`${API}/jobservice/jobs/${encodeURIComponent(jobId)}`, { action: 'stop' });
          void message.success(t('jobservice:workers.stop.done', { id: jobId }));
          await client.invalidateQueries({ queryKey: ['jobservice'] });
        } catch (err) {
          modal.error({ title: t('jobservice:workers.stop.refused', { id: jobId }), content: errorMessage(err) });
        }
      },
    });

  const columns: ColumnsType<Worker> = [
    { title: t('jobservice:workers.column.id'), dataIndex: 'id', key: 'id' },
    { title: t('jobservice:workers.column.jobType'), key: 'job_name', render: (_, w) => w.job_name ?? <Typography.Text type="secondary">{t('jobservice:workers.idle')}</Typography.Text> },
    { title: t('jobservice:workers.column.jobId'), key: 'job_id', render: (_, w) => w.job_id ?? '—' },
    { title: t('jobservice:workers.column.started'), key: 'start_at', render: (_, w) => (w.start_at ? formatDate(w.start_at, i18n.language) : '—') },
    { title: t('jobservice:workers.column.checkIn'), key: 'check_in', render: (_, w) => w.check_in ?? '—' },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, w) =>
        w.job_id && (
          <Space>
            <Button size="small" autoInsertSpace={false} onClick={() => setLogOf(w.job_id ?? null)} aria-label={t('jobservice:workers.log.aria', { id: w.job_id })}>
              {t('jobservice:workers.log.button')}
            </Button>
            <Button size="small" danger autoInsertSpace={false} onClick={() => stop(w.job_id as string)} aria-label={t('jobservice:workers.stop.aria', { id: w.job_id })}>
              {t('jobservice:workers.stop.button')}
            </Button>
          </Space>
        ),
    },
  ];
  const shown = busyOnly ? query.data?.filter((w) => w.job_id) : query.data;
  return (
    <Card
      title={t('jobservice:workers.title')}
      extra={
        <Button size="small" onClick={() => setBusyOnly(!busyOnly)} aria-pressed={!busyOnly}>
          {busyOnly ? t('jobservice:workers.showAll') : t('jobservice:workers.showBusy')}
        </Button>
      }
    >
      <ErrorAlert error={query.error} />
      <Table<Worker>
        rowKey="id"
        columns={columns}
        dataSource={shown}
        loading={query.isLoading}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        size="middle"
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: busyOnly ? t('jobservice:workers.noneBusy') : t('jobservice:workers.none') }}
      />
      <JobLogDialog jobId={logOf} onClose={() => setLogOf(null)} />
    </Card>
  );
}

/** GET /jobservice/jobs/{id}/log as plain text, read again while it is open. */
function JobLogDialog({ jobId, onClose }: { jobId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['jobservice', 'log', jobId],
    queryFn: () => api.get<string>(`${API}/jobservice/jobs/${encodeURIComponent(jobId ?? '')}/log`, { headers: { Accept: 'text/plain' } }),
    enabled: jobId !== null,
    refetchInterval: REFRESH_MS,
  });
  return (
    <Modal
      open={jobId !== null}
      title={t('jobservice:workers.log.title', { id: jobId })}
      onCancel={onClose}
      width={900}
      destroyOnHidden
      footer={
        <Button type="primary" onClick={onClose}>
          {t('common:close')}
        </Button>
      }
    >
      <ErrorAlert error={query.error} />
      {query.isLoading ? (
        <PageLoading />
      ) : (
        !query.error && (
          <LogText label={t('jobservice:workers.log.title', { id: jobId })} text={query.data} emptyText={t('jobservice:workers.log.empty')} />
        )
      )}
    </Modal>
  );
}
