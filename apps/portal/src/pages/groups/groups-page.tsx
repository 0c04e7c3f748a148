import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { listQuery } from '../../api/list';
import type { SystemInfo } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { SearchBox } from '../../components/search-box';
import { useConfirmedAction } from '../../lib/use-confirmed-action';
import { useListState } from '../../lib/use-list-state';
import { GROUPS_KEY, GroupType, type UserGroup } from './group-model';

// Dialogs load when opened: a list page renders without their code.
const GroupDialog = lazy(() => import('./group-dialog').then((m) => ({ default: m.GroupDialog })));

/**
 * Administration → Groups: GET /usergroups paged by the server and searched by name (its
 * group_name parameter; in LDAP mode the API lists LDAP groups only); create, rename, delete.
 */
export default function GroupsPage() {
  const { t } = useTranslation();
  const confirm = useConfirmedAction();
  const list = useListState();
  const [dialog, setDialog] = useState<{ group: UserGroup | null } | null>(null);
  const groupName = list.state.filters?.['group_name'];

  const query = useQuery({
    queryKey: [...GROUPS_KEY, list.state],
    // group_name is the API's own search parameter (a part of the name, any case), not a q term.
    queryFn: () => api.list<UserGroup>(`${API}/usergroups`, { query: listQuery({ ...list.state, filters: undefined }, { group_name: groupName }) }),
    placeholderData: keepPreviousData,
  });
  const systemInfo = useQuery({ queryKey: ['systeminfo'], queryFn: () => api.get<SystemInfo>(`${API}/systeminfo`), staleTime: 60_000 });
  const authMode = systemInfo.data?.auth_mode;
  const groupAuth = authMode === 'ldap_auth' || authMode === 'http_auth' || authMode === 'oidc_auth';

  const typeName = (type: number) => {
    switch (type) {
      case GroupType.LDAP:
        return t('groups:type.ldap');
      case GroupType.HTTP:
        return t('groups:type.http');
      case GroupType.OIDC:
        return t('groups:type.oidc');
      default:
        return String(type);
    }
  };

  const remove = (g: UserGroup) =>
    confirm({
      title: t('groups:delete.title', { name: g.group_name }),
      text: t('groups:delete.text'),
      okText: t('common:delete'),
      done: t('groups:delete.done', { name: g.group_name }),
      refused: t('groups:delete.refused', { name: g.group_name }),
      call: () => api.delete(`${API}/usergroups/${g.id}`),
      invalidates: GROUPS_KEY,
    });

  const columns: ColumnsType<UserGroup> = [
    { title: t('groups:field.name'), dataIndex: 'group_name', key: 'group_name' },
    { title: t('groups:field.type'), dataIndex: 'group_type', key: 'group_type', render: (type: number) => typeName(type) },
    {
      title: t('groups:field.ldapGroupDn'),
      dataIndex: 'ldap_group_dn',
      key: 'ldap_group_dn',
      render: (dn?: string) => (dn ? <Typography.Text style={{ overflowWrap: 'anywhere' }}>{dn}</Typography.Text> : '—'),
    },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, g) => (
        <Space>
          <Button size="small" autoInsertSpace={false} onClick={() => setDialog({ group: g })} aria-label={t('groups:edit.aria', { name: g.group_name })}>
            {t('groups:edit.button')}
          </Button>
          <Button size="small" danger autoInsertSpace={false} onClick={() => remove(g)} aria-label={t('groups:delete.aria', { name: g.group_name })}>
            {t('common:delete')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('groups:title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ group: null })} disabled={!systemInfo.isSuccess && !systemInfo.isError}>
            {t('groups:create.button')}
          </Button>
        }
      />
      {systemInfo.isSuccess && !groupAuth && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('groups:localAuth')} />}
      <SearchBox
        allowClear
        placeholder={t('groups:search')}
        aria-label={t('groups:search')}
        onSearch={(v) => list.setFilter('group_name', v.trim() || undefined)}
        style={{ width: 260, marginBottom: 16 }}
      />
      <ErrorAlert error={query.error} />
      <Table<UserGroup>
        rowKey="id"
        columns={columns}
        size="middle"
        scroll={{ x: 'max-content' }}
        {...list.tableProps(query)}
      />
      {dialog && (
        <Suspense fallback={null}>
          <GroupDialog group={dialog.group} authMode={authMode} onClose={() => setDialog(null)} />
        </Suspense>
      )}
    </>
  );
}
