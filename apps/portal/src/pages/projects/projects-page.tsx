import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Select, Space, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { API, api } from '../../api/client';
import { listQuery } from '../../api/list';
import type { Project } from '../../api/types';
import { useSession } from '../../auth/session';
import { AccessTag } from '../../components/access-tag';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { RoleName } from '../../components/role-name';
import { formatDate } from '../../lib/format';
import { useListState } from '../../lib/use-list-state';
import { SearchBox } from '../../components/search-box';

// Dialogs load when opened: a list page renders without their code.
const CreateProjectDialog = lazy(() => import('./create-project-dialog').then((m) => ({ default: m.CreateProjectDialog })));

/** GET /projects, paged, sorted and filtered by the server; create and delete. */
export default function ProjectsPage() {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const { user } = useSession();
  const client = useQueryClient();
  const list = useListState({ sort: 'name' });
  const [creating, setCreating] = useState(false);

  const query = useQuery({
    queryKey: ['projects', list.state],
    queryFn: () => api.list<Project>(`${API}/projects`, { query: listQuery(list.state, { with_detail: true }) }),
    placeholderData: keepPreviousData,
  });

  const remove = (project: Project) =>
    modal.confirm({
      title: t('projects:delete.title', { name: project.name }),
      content: t('projects:delete.text'),
      okText: t('common:delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.delete(`${API}/projects/${project.project_id}`);
          void message.success(t('projects:delete.done', { name: project.name }));
          await client.invalidateQueries({ queryKey: ['projects'] });
        } catch (err) {
          modal.error({ title: t('projects:delete.refused', { name: project.name }), content: errorMessage(err) });
        }
      },
    });

  const columns: ColumnsType<Project> = [
    {
      title: t('projects:column.name'),
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      defaultSortOrder: 'ascend',
      render: (name: string, p) => <Link to={`/harbor/projects/${p.project_id}/repositories`}>{name}</Link>,
    },
    {
      title: t('projects:column.access'),
      key: 'public',
      render: (_, p) => <AccessTag metadata={p.metadata} />,
    },
    { title: t('projects:column.role'), key: 'role', render: (_, p) => <RoleName id={p.current_user_role_id} /> },
    { title: t('projects:column.repositories'), dataIndex: 'repo_count', key: 'repo_count' },
    { title: t('projects:column.created'), dataIndex: 'creation_time', key: 'creation_time', sorter: true, render: (v: string) => formatDate(v, i18n.language) },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, p) =>
        (user?.sysadmin_flag || p.current_user_role_id === 1) && (
          <Button size="small" danger onClick={() => remove(p)} aria-label={t('projects:delete.button', { name: p.name })}>
            {t('common:delete')}
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('projects:title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('projects:create.button')}
          </Button>
        }
      />
      <Space style={{ marginBottom: 16 }} wrap>
        <SearchBox
          allowClear
          placeholder={t('projects:search')}
          aria-label={t('projects:search')}
          onSearch={(v) => list.setFilter('name', v ? `~${v}` : undefined)}
          style={{ width: 260 }}
        />
        <Select
          aria-label={t('projects:column.access')}
          style={{ width: 160 }}
          value={list.state.filters?.public ?? ''}
          onChange={(v) => list.setFilter('public', v || undefined)}
          options={[
            { value: '', label: t('projects:allProjects') },
            { value: 'true', label: t('projects:publicProjects') },
            { value: 'false', label: t('projects:privateProjects') },
          ]}
        />
      </Space>
      <ErrorAlert error={query.error} />
      <Table<Project>
        rowKey="project_id"
        columns={columns}
        dataSource={query.data?.items}
        loading={query.isFetching}
        pagination={list.pagination(query.data?.total)}
        onChange={list.onTableChange}
        size="middle"
      />
      {creating && <Suspense fallback={null}><CreateProjectDialog open onClose={() => setCreating(false)} /></Suspense>}
    </>
  );
}
