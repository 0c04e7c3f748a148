import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Flex, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { listQuery } from '../../api/list';
import { ErrorAlert } from '../../components/error-alert';
import { formatDate } from '../../lib/format';
import { useConfirmedAction } from '../../lib/use-confirmed-action';
import { useListState } from '../../lib/use-list-state';
import { ToneTag } from '../admin/tone-tag';
import { type ExecutionRun, isActive, isDryRun } from './execution-run';
import { ExecutionStatusTag } from './execution-status-tag';

// Dialogs load when opened: a list page renders without their code.
const ExecutionLogDialog = lazy(() => import('./execution-log-dialog').then((m) => ({ default: m.ExecutionLogDialog })));

/** How often the history is read again while a run is pending or running. */
const ACTIVE_REFRESH_MS = 3000;

/** Which job's runs, and what is its own in them. */
export interface ExecutionKind {
  /** GET lists the runs, PUT <base>/{id} stops one, GET <base>/{id}/log is its log. */
  basePath: string;
  /** The query key of the runs; the schedule form reads them again after starting a run. */
  queryKey: readonly string[];
  /** The job's own columns, shown after the status. */
  columns: ColumnsType<ExecutionRun>;
  /** The texts naming the job (already translated): its log's title, the stop question and what stopping does. */
  logTitle: (id: number) => string;
  stopTitle: (id: number) => string;
  stopText: string;
}

/** A Clean Up job's runs, newest first, paged by the server; each run's log; stop a run. */
export function ExecutionHistory({ kind }: { kind: ExecutionKind }) {
  const { t, i18n } = useTranslation();
  const confirm = useConfirmedAction();
  const list = useListState();
  const [logOf, setLogOf] = useState<number | null>(null);

  const query = useQuery({
    queryKey: [...kind.queryKey, list.state],
    queryFn: () => api.list<ExecutionRun>(kind.basePath, { query: listQuery(list.state) }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((r) => isActive(r.job_status)) ? ACTIVE_REFRESH_MS : false),
  });

  const stop = (run: ExecutionRun) =>
    confirm({
      title: kind.stopTitle(run.id),
      text: kind.stopText,
      okText: t('gc:stop.button'),
      done: t('gc:stop.done', { id: run.id }),
      refused: t('gc:stop.refused', { id: run.id }),
      call: () => api.put(`${kind.basePath}/${run.id}`),
      invalidates: kind.queryKey,
    });

  const columns: ColumnsType<ExecutionRun> = [
    { title: t('gc:column.id'), dataIndex: 'id', key: 'id' },
    {
      title: t('gc:column.trigger'),
      key: 'trigger',
      render: (_, r) => (r.job_kind === 'SCHEDULE' ? t('gc:trigger.schedule') : r.job_kind === 'MANUAL' ? t('gc:trigger.manual') : r.job_kind),
    },
    {
      title: t('gc:column.dryRun'),
      key: 'dry_run',
      render: (_, r) => (isDryRun(r) ? <ToneTag tone="processing">{t('gc:dryRunTag')}</ToneTag> : t('common:no')),
    },
    { title: t('gc:column.status'), key: 'status', render: (_, r) => <ExecutionStatusTag status={r.job_status} /> },
    ...kind.columns,
    { title: t('gc:column.started'), dataIndex: 'creation_time', key: 'creation_time', render: (v: string) => formatDate(v, i18n.language) },
    { title: t('gc:column.updated'), dataIndex: 'update_time', key: 'update_time', render: (v: string) => formatDate(v, i18n.language) },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, r) => (
        <Space>
          <Button size="small" autoInsertSpace={false} onClick={() => setLogOf(r.id)} aria-label={t('gc:log.button', { id: r.id })}>
            {t('gc:log.short')}
          </Button>
          {isActive(r.job_status) && (
            <Button size="small" danger autoInsertSpace={false} onClick={() => stop(r)} aria-label={t('gc:stop.aria', { id: r.id })}>
              {t('gc:stop.button')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const shown = logOf === null ? undefined : query.data?.items.find((r) => r.id === logOf);
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>
          {t('gc:history')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void query.refetch()} aria-label={t('common:refresh')} />
      </Flex>
      <ErrorAlert error={query.error} />
      <Table<ExecutionRun>
        rowKey="id"
        columns={columns}
        size="middle"
        scroll={{ x: 'max-content' }}
        {...list.tableProps(query)}
        // Read again every few seconds while a run goes on: only the first load shows as loading.
        loading={query.isFetching && !query.data}
      />
      {logOf !== null && (
        <Suspense fallback={null}>
          <ExecutionLogDialog path={`${kind.basePath}/${logOf}/log`} title={kind.logTitle(logOf)} active={isActive(shown?.job_status)} onClose={() => setLogOf(null)} />
        </Suspense>
      )}
    </>
  );
}
