import { DownOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Dropdown, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { useProjectPermissions } from '../../auth/project-permissions';
import { useSession } from '../../auth/session';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { RoleName } from '../../components/role-name';
import { useListState } from '../../lib/use-list-state';
import { useProject } from '../project/use-project';
import { type ProjectMember, ROLE_ORDER } from './member-model';
import { SearchBox } from '../../components/search-box';

// Dialogs load when opened: a list page renders without their code.
const AddMemberDialog = lazy(() => import('./add-member-dialog').then((m) => ({ default: m.AddMemberDialog })));

/**
 * A project's members (the `members` tab): GET /projects/{id}/members, paged and searched by name
 * on the server (the API lists them in the order they were added and sorts by nothing else);
 * add a user or a group, change a role, remove, each offered only with the right to do it.
 */
export default function MembersTab() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const project = useProject();
  const { user } = useSession();
  const client = useQueryClient();
  const permissions = useProjectPermissions(project.project_id);
  const list = useListState();
  const [adding, setAdding] = useState<'user' | 'group' | null>(null);
  const base = `${API}/projects/${project.project_id}/members`;

  const query = useQuery({
    queryKey: ['members', project.project_id, list.state],
    queryFn: () => api.list<ProjectMember>(base, { query: { page: list.state.page, page_size: list.state.pageSize, entityname: list.state.filters?.entityname } }),
    placeholderData: keepPreviousData,
  });
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: ['members', project.project_id] });
    // The user's own role may have changed: what the page offers follows it.
    await client.invalidateQueries({ queryKey: ['permissions', project.project_id] });
    await client.invalidateQueries({ queryKey: ['project', String(project.project_id)] });
  };

  const changeRole = async (member: ProjectMember, roleId: number) => {
    try {
      await api.put(`${base}/${member.id}`, { role_id: roleId });
      void message.success(t('members:roleChange.changed', { name: member.entity_name }));
      await refresh();
    } catch (err) {
      modal.error({ title: t('members:roleChange.refused', { name: member.entity_name }), content: errorMessage(err) });
      // A refusal may mean the user's own rights changed meanwhile: what the page offers follows.
      await refresh();
    }
  };

  const remove = (member: ProjectMember) =>
    modal.confirm({
      title: t('members:remove.title', { name: member.entity_name }),
      content: member.entity_type === 'u' && member.entity_name === user?.username ? t('members:remove.self') : t('members:remove.text'),
      okText: t('members:remove.ok'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.delete(`${base}/${member.id}`);
          void message.success(t('members:remove.done', { name: member.entity_name }));
          await refresh();
        } catch (err) {
          modal.error({ title: t('members:remove.refused', { name: member.entity_name }), content: errorMessage(err) });
          await refresh();
        }
      },
    });

  const canUpdate = permissions.can('member', 'update');
  const canDelete = permissions.can('member', 'delete');
  const columns: ColumnsType<ProjectMember> = [
    { title: t('members:column.name'), dataIndex: 'entity_name', key: 'entity_name', render: (name: string) => <Typography.Text>{name}</Typography.Text> },
    {
      title: t('members:column.type'),
      dataIndex: 'entity_type',
      key: 'entity_type',
      render: (type: 'u' | 'g') => (type === 'g' ? <Tag color="blue">{t('members:type.group')}</Tag> : <Tag>{t('members:type.user')}</Tag>),
    },
    {
      title: t('members:column.role'),
      dataIndex: 'role_id',
      key: 'role_id',
      render: (roleId: number, m) =>
        canUpdate ? (
          <Select
            size="small"
            value={roleId}
            style={{ width: 170 }}
            aria-label={t('members:roleChange.select', { name: m.entity_name })}
            onChange={(v: number) => void changeRole(m, v)}
            options={ROLE_ORDER.map((id) => ({ value: id, label: <RoleName id={id} /> }))}
          />
        ) : (
          <RoleName id={roleId} />
        ),
    },
  ];
  if (canDelete) {
    columns.push({
      title: t('common:actions'),
      key: 'actions',
      render: (_, m) => (
        <Button size="small" danger autoInsertSpace={false} onClick={() => remove(m)} aria-label={t('members:remove.button', { name: m.entity_name })}>
          {t('members:remove.ok')}
        </Button>
      ),
    });
  }

  return (
    <section aria-labelledby="members-heading">
      <Typography.Title level={3} id="members-heading" style={{ fontSize: 18 }}>
        {t('members:title')}
      </Typography.Title>
      <Space style={{ marginBottom: 16 }} wrap>
        {permissions.can('member', 'create') && (
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'user', label: t('members:add.user') },
                { key: 'group', label: t('members:add.group') },
              ],
              onClick: ({ key }) => setAdding(key as 'user' | 'group'),
            }}
          >
            <Button type="primary" icon={<PlusOutlined />}>
              <Space>
                {t('members:add.button')}
                <DownOutlined />
              </Space>
            </Button>
          </Dropdown>
        )}
        <SearchBox allowClear placeholder={t('members:search')} aria-label={t('members:search')} onSearch={(v) => list.setFilter('entityname', v || undefined)} style={{ width: 260 }} />
        <Button onClick={() => void refresh()}>{t('common:refresh')}</Button>
      </Space>
      <ErrorAlert error={query.error} />
      <Table<ProjectMember>
        rowKey="id"
        columns={columns}
        dataSource={query.data?.items}
        loading={query.isFetching}
        pagination={list.pagination(query.data?.total)}
        onChange={list.onTableChange}
        size="middle"
      />
      {adding && (
        <Suspense fallback={null}>
          <AddMemberDialog
            kind={adding}
            projectId={project.project_id}
            onClose={() => setAdding(null)}
            onAdded={(name) => {
              setAdding(null);
              void message.success(t('members:add.done', { name }));
              void refresh();
            }}
          />
        </Suspense>
      )}
    </section>
  );
}
