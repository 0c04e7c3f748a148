import { DeleteOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Space, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { API, api, repoPath } from '../../api/client';
import { listQuery } from '../../api/list';
import type { Repository } from '../../api/registry-types';
import { useProjectPermissions } from '../../auth/project-permissions';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { formatDate, formatNumber } from '../../lib/format';
import { useListState } from '../../lib/use-list-state';
import { repositoryHref, repositoryInProject } from '../artifacts/artifact-helpers';
import { useProject } from '../project/use-project';
import { SearchBox } from '../../components/search-box';

/** GET /projects/{name}/repositories, paged, sorted and searched by the server; delete with the API's reason. */
export default function RepositoriesTab() {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const project = useProject();
  const permissions = useProjectPermissions(project.project_id);
  const client = useQueryClient();
  const list = useListState({ sort: '-update_time' });

  const query = useQuery({
    queryKey: ['repositories', project.name, list.state],
    queryFn: () => api.list<Repository>(`${API}/projects/${encodeURIComponent(project.name)}/repositories`, { query: listQuery(list.state) }),
    placeholderData: keepPreviousData,
  });

  const remove = (repository: Repository) =>
    modal.confirm({
      title: t('repositories:delete.title', { name: repository.name }),
      content: t('repositories:delete.text'),
      okText: t('common:delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.delete(`${API}/projects/${encodeURIComponent(project.name)}/repositories/${repoPath(repositoryInProject(repository.name, project.name))}`);
          void message.success(t('repositories:delete.done', { name: repository.name }));
          await client.invalidateQueries({ queryKey: ['repositories', project.name] });
          await client.invalidateQueries({ queryKey: ['project-summary', project.project_id] });
        } catch (err) {
          modal.error({ title: t('repositories:delete.refused', { name: repository.name }), content: errorMessage(err) });
        }
      },
    });

  const canDelete = permissions.can('repository', 'delete');
  const columns: ColumnsType<Repository> = [
    {
      title: t('repositories:column.name'),
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      render: (name: string) => <Link to={repositoryHref(project.project_id, repositoryInProject(name, project.name))}>{name}</Link>,
    },
    { title: t('repositories:column.artifacts'), dataIndex: 'artifact_count', key: 'artifact_count', render: (n: number) => formatNumber(n, i18n.language) },
    { title: t('repositories:column.pulls'), dataIndex: 'pull_count', key: 'pull_count', render: (n: number) => formatNumber(n, i18n.language) },
    {
      title: t('repositories:column.updated'),
      dataIndex: 'update_time',
      key: 'update_time',
      sorter: true,
      defaultSortOrder: 'descend',
      render: (v: string) => formatDate(v, i18n.language),
    },
  ];
  if (canDelete) {
    columns.push({
      title: t('common:actions'),
      key: 'actions',
      render: (_, r) => (
        <Button size="small" danger icon={<DeleteOutlined />} onClick={() => remove(r)} aria-label={t('repositories:delete.button', { name: r.name })} />
      ),
    });
  }

  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        <SearchBox
          allowClear
          placeholder={t('repositories:search')}
          aria-label={t('repositories:search')}
          onSearch={(v) => list.setFilter('name', v.trim() ? `~${v.trim()}` : undefined)}
          style={{ width: 280 }}
        />
      </Space>
      <ErrorAlert error={query.error} />
      <Table<Repository>
        rowKey="id"
        columns={columns}
        dataSource={query.data?.items}
        loading={query.isFetching}
        pagination={list.pagination(query.data?.total)}
        onChange={list.onTableChange}
        size="middle"
        locale={{ emptyText: t('repositories:empty') }}
      />
    </>
  );
}
