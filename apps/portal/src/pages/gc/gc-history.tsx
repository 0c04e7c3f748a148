import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { listQuery } from '../../api/list';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { formatBytes, formatDate, formatNumber } from '../../lib/format';
import { useListState } from '../../lib/use-list-state';
import { ToneTag } from '../admin/tone-tag';
import { type GcRun, gcFigures, isActive } from './gc-run';
import { GcStatusTag } from './gc-status-tag';

// Dialogs load when opened: a list page renders without their code.
const GcLogDialog = lazy(() => import('./gc-log-dialog').then((m) => ({ default: m.GcLogDialog })));

/** How often the history is read again while a run is pending or running. */
const ACTIVE_REFRESH_MS = 3000;

/** GET /system/gc: the runs, newest first, paged by the server; each run's log; stop a run. */
export function GcHistory() {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const list = useListState();
  const [logOf, setLogOf] = useState<number | null>(null);

  const query = useQuery({
    queryKey: ['gc', 'history', list.state],
    queryFn: () => api.list<GcRun>(`${API}/system/gc`, { query: listQuery(list.state) }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((r) => isActive(r.job_status)) ? ACTIVE_REFRESH_MS : false),
  });

  const stop = (run: GcRun) =>
    modal.confirm({
      title: t('gc:stop.title', { id: run.id }),
      content: t('gc:stop.text'),
      okText: t('gc:stop.button'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.put(`${API}/system/gc/${run.id}`);
          void message.success(t('gc:stop.done', { id: run.id }));
          await client.invalidateQueries({ queryKey: ['gc', 'history'] });
        } catch (err) {
          modal.error({ title: t('gc:stop.refused', { id: run.id }), content: errorMessage(err) });
        }
      },
    });

  const columns: ColumnsType<GcRun> = [
    { title: t('gc:column.id'), dataIndex: 'id', key: 'id' },
    {
      title: t('gc:column.trigger'),
      key: 'trigger',
      render: (_, r) => (r.job_kind === 'SCHEDULE' ? t('gc:trigger.schedule') : r.job_kind === 'MANUAL' ? t('gc:trigger.manual') : r.job_kind),
    },
    {
      title: t('gc:column.dryRun'),
      key: 'dry_run',
      render: (_, r) => (gcFigures(r).dryRun ? <ToneTag tone="processing">{t('gc:dryRunTag')}</ToneTag> : t('common:no')),
    },
    { title: t('gc:column.status'), key: 'status', render: (_, r) => <GcStatusTag status={r.job_status} /> },
    {
      title: t('gc:column.result'),
      key: 'result',
      render: (_, r) => {
        const f = gcFigures(r);
        if (f.artifacts === undefined && f.blobs === undefined && f.freedBytes === undefined) return '—';
        const figures = {
          artifacts: formatNumber(f.artifacts ?? 0, i18n.language),
          blobs: formatNumber(f.blobs ?? 0, i18n.language),
          size: formatBytes(f.freedBytes ?? 0, i18n.language),
        };
        return f.dryRun ? t('gc:resultDry', figures) : t('gc:result', figures);
      },
    },
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
      <Table<GcRun>
        rowKey="id"
        columns={columns}
        dataSource={query.data?.items}
        loading={query.isFetching && !query.data}
        pagination={list.pagination(query.data?.total)}
        onChange={list.onTableChange}
        size="middle"
        scroll={{ x: 'max-content' }}
      />
      {logOf !== null && <Suspense fallback={null}><GcLogDialog id={logOf} active={isActive(shown?.job_status)} onClose={() => setLogOf(null)} /></Suspense>}
    </>
  );
}
