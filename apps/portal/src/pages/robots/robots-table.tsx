import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { listQuery } from '../../api/list';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { formatDate } from '../../lib/format';
import { useListState } from '../../lib/use-list-state';
import { isExpired, permissionSummary, type Robot } from './robot-model';
import type { ShownSecret } from './secret-dialog';
import { SearchBox } from '../../components/search-box';

/**
 * GET /robots for one project (Level=project,ProjectID=<id>) or the system robots (Level=system):
 * paged, sorted and searched by the server; enable/disable, refresh the secret and delete, each
 * offered only with the right to do it.
 */
export function RobotsTable({
  projectId,
  canUpdate,
  canDelete,
  onSecret,
  toolbar,
}: {
  /** A project's robots; absent for the system robots. */
  projectId?: number;
  canUpdate: boolean;
  canDelete: boolean;
  onSecret: (shown: ShownSecret) => void;
  toolbar?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const list = useListState({ sort: '-creation_time' });
  const level = projectId === undefined ? 'Level=system' : `Level=project,ProjectID=${projectId}`;

  const query = useQuery({
    queryKey: ['robots', projectId ?? 'system', list.state],
    queryFn: () => {
      const q = listQuery(list.state);
      return api.list<Robot>(`${API}/robots`, { query: { ...q, q: q.q ? `${level},${String(q.q)}` : level } });
    },
    placeholderData: keepPreviousData,
  });
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: ['robots', projectId ?? 'system'] });
    // After a refusal the user's own rights may have changed: the buttons follow them.
    if (projectId !== undefined) await client.invalidateQueries({ queryKey: ['permissions', projectId] });
  };

  const setDisabled = async (robot: Robot, disable: boolean) => {
    try {
      // PUT replaces description, disable and permissions; the lifetime stays when duration is left out.
      await api.put(`${API}/robots/${robot.id}`, { name: robot.name, level: robot.level, description: robot.description, disable, permissions: robot.permissions });
      void message.success(disable ? t('robots:disable.done', { name: robot.name }) : t('robots:enable.done', { name: robot.name }));
      await refresh();
    } catch (err) {
      modal.error({ title: t('robots:update.refused', { name: robot.name }), content: errorMessage(err) });
      await refresh();
    }
  };

  const refreshSecret = (robot: Robot) =>
    modal.confirm({
      title: t('robots:refresh.title', { name: robot.name }),
      content: t('robots:refresh.text'),
      okText: t('robots:refresh.ok'),
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          const { data } = await api.patch<{ secret?: string }>(`${API}/robots/${robot.id}`, {});
          if (data?.secret) onSecret({ name: robot.name, secret: data.secret, reason: 'refreshed' });
          await refresh();
        } catch (err) {
          modal.error({ title: t('robots:update.refused', { name: robot.name }), content: errorMessage(err) });
          await refresh();
        }
      },
    });

  const remove = (robot: Robot) =>
    modal.confirm({
      title: t('robots:delete.title', { name: robot.name }),
      content: t('robots:delete.text'),
      okText: t('common:delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.delete(`${API}/robots/${robot.id}`);
          void message.success(t('robots:delete.done', { name: robot.name }));
          await refresh();
        } catch (err) {
          modal.error({ title: t('robots:delete.refused', { name: robot.name }), content: errorMessage(err) });
          await refresh();
        }
      },
    });

  const columns: ColumnsType<Robot> = [
    { title: t('robots:column.name'), dataIndex: 'name', key: 'name', sorter: true, render: (name: string) => <Typography.Text>{name}</Typography.Text> },
    {
      title: t('robots:column.status'),
      key: 'disable',
      render: (_, r) => (
        <Space size={4} wrap>
          {r.disable ? <Tag>{t('robots:status.disabled')}</Tag> : <Tag color="#237804">{t('robots:status.enabled')}</Tag>}
          {isExpired(r.expires_at) && <Tag color="#a8071a">{t('robots:status.expired')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('robots:column.permissions'),
      key: 'permissions',
      render: (_, r) => {
        const s = permissionSummary(r.permissions);
        if (projectId !== undefined) return t('robots:summary.project', { count: s.project });
        return (
          <Space orientation="vertical" size={0}>
            {s.system > 0 && <span>{t('robots:summary.system', { count: s.system })}</span>}
            {s.allProjects && <span>{t('robots:summary.allProjects', { count: s.project })}</span>}
            {s.projects.length > 0 && (
              <Tooltip title={s.projects.join(', ')}>
                <span>{t('robots:summary.projects', { count: s.projects.length, grants: s.project })}</span>
              </Tooltip>
            )}
          </Space>
        );
      },
    },
    {
      title: t('robots:column.expires'),
      dataIndex: 'expires_at',
      key: 'expires_at',
      render: (v: number) => (v > 0 ? formatDate(v * 1000, i18n.language) : t('robots:never')),
    },
    { title: t('robots:column.description'), dataIndex: 'description', key: 'description', ellipsis: true, render: (v: string) => <Typography.Text>{v}</Typography.Text> },
    { title: t('robots:column.created'), dataIndex: 'creation_time', key: 'creation_time', sorter: true, defaultSortOrder: 'descend', render: (v: string) => formatDate(v, i18n.language) },
  ];
  if (canUpdate || canDelete) {
    columns.push({
      title: t('common:actions'),
      key: 'actions',
      render: (_, r) => (
        <Space size={4}>
          {canUpdate && (
            <Button size="small" autoInsertSpace={false} onClick={() => void setDisabled(r, !r.disable)} aria-label={r.disable ? t('robots:enable.button', { name: r.name }) : t('robots:disable.button', { name: r.name })}>
              {r.disable ? t('robots:enable.short') : t('robots:disable.short')}
            </Button>
          )}
          {canUpdate && (
            <Button size="small" autoInsertSpace={false} onClick={() => refreshSecret(r)} aria-label={t('robots:refresh.button', { name: r.name })}>
              {t('robots:refresh.short')}
            </Button>
          )}
          {canDelete && (
            <Button size="small" danger autoInsertSpace={false} onClick={() => remove(r)} aria-label={t('robots:delete.button', { name: r.name })}>
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
        {toolbar}
        <SearchBox
          allowClear
          placeholder={t('robots:search')}
          aria-label={t('robots:search')}
          onSearch={(v) => list.setFilter('name', v ? `~${v}` : undefined)}
          style={{ width: 260 }}
        />
        <Button onClick={() => void refresh()}>{t('common:refresh')}</Button>
      </Space>
      <ErrorAlert error={query.error} />
      <Table<Robot>
        rowKey="id"
        columns={columns}
        dataSource={query.data?.items}
        loading={query.isFetching}
        pagination={list.pagination(query.data?.total)}
        onChange={list.onTableChange}
        scroll={{ x: 'max-content' }}
        size="middle"
      />
    </>
  );
}
