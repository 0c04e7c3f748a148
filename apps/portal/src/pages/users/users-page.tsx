import { DownOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Dropdown, Select, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { listQuery } from '../../api/list';
import { fuzzyTerm } from '../../api/q-terms';
import type { CurrentUser, SystemInfo } from '../../api/types';
import { useSession } from '../../auth/session';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { formatDate } from '../../lib/format';
import { useListState } from '../../lib/use-list-state';
import { SearchBox } from '../../components/search-box';
const ResetPasswordDialog = lazy(() => import('./reset-password-dialog').then((m) => ({ default: m.ResetPasswordDialog })));

// Dialogs load when opened: a list page renders without their code.
const CreateUserDialog = lazy(() => import('./create-user-dialog').then((m) => ({ default: m.CreateUserDialog })));

/** Harbor's UserResp (the same shape as the current user). */
type User = CurrentUser;
type SearchField = 'username' | 'email';

/**
 * Administration → Users: GET /users paged, sorted and searched by the server; create, make or
 * revoke administrators, reset a password, unlock after failed logins, delete.
 */
export default function UsersPage() {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const { user: me } = useSession();
  const client = useQueryClient();
  const list = useListState({ sort: 'username' });
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [field, setField] = useState<SearchField>('username');
  const [text, setText] = useState('');

  const query = useQuery({
    queryKey: ['users', list.state],
    queryFn: () => api.list<User>(`${API}/users`, { query: listQuery(list.state) }),
    placeholderData: keepPreviousData,
  });
  const systemInfo = useQuery({ queryKey: ['systeminfo'], queryFn: () => api.get<SystemInfo>(`${API}/systeminfo`), staleTime: 60_000 });
  const authMode = systemInfo.data?.auth_mode;
  // Only the database keeps local accounts; elsewhere the API refuses to create them.
  const localAccounts = systemInfo.isError || (systemInfo.isSuccess && (!authMode || authMode === 'db_auth'));

  const search = (value: string, on: SearchField = field) => {
    setText(value);
    list.setState((s) => ({ ...s, page: 1, filters: { ...s.filters, username: undefined, email: undefined, [on]: fuzzyTerm(value) } }));
  };

  const act = (title: string, content: string, done: string, refused: string, call: () => Promise<unknown>, danger = false) =>
    modal.confirm({
      title,
      content,
      okText: t('users:confirm'),
      okButtonProps: { danger },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await call();
          void message.success(done);
          await client.invalidateQueries({ queryKey: ['users'] });
        } catch (err) {
          modal.error({ title: refused, content: errorMessage(err) });
        }
      },
    });

  const setAdmin = (u: User, admin: boolean) =>
    admin
      ? act(
          t('users:admin.grantTitle', { name: u.username }),
          t('users:admin.grantText'),
          t('users:admin.granted', { name: u.username }),
          t('users:admin.refused', { name: u.username }),
          () => api.put(`${API}/users/${u.user_id}/sysadmin`, { sysadmin_flag: true }),
        )
      : act(
          t('users:admin.revokeTitle', { name: u.username }),
          t('users:admin.revokeText'),
          t('users:admin.revoked', { name: u.username }),
          t('users:admin.refused', { name: u.username }),
          () => api.put(`${API}/users/${u.user_id}/sysadmin`, { sysadmin_flag: false }),
        );

  const unlock = (u: User) =>
    act(
      t('users:unlock.title', { name: u.username }),
      t('users:unlock.text'),
      t('users:unlock.done', { name: u.username }),
      t('users:unlock.refused', { name: u.username }),
      () => api.delete(`${API}/users/${u.user_id}/login-failures`),
    );

  const remove = (u: User) =>
    act(
      t('users:delete.title', { name: u.username }),
      t('users:delete.text'),
      t('users:delete.done', { name: u.username }),
      t('users:delete.refused', { name: u.username }),
      () => api.delete(`${API}/users/${u.user_id}`),
      true,
    );

  const columns: ColumnsType<User> = [
    {
      title: t('users:field.username'),
      dataIndex: 'username',
      key: 'username',
      sorter: true,
      defaultSortOrder: 'ascend',
      render: (name: string, u) => (
        <Space size={4}>
          {name}
          {u.user_id === me?.user_id && <Tag>{t('users:you')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('users:field.admin'),
      dataIndex: 'sysadmin_flag',
      key: 'sysadmin_flag',
      sorter: true,
      render: (admin: boolean) => (admin ? <Tag color="blue">{t('common:yes')}</Tag> : <Tag>{t('common:no')}</Tag>),
    },
    { title: t('users:field.email'), dataIndex: 'email', key: 'email', sorter: true },
    { title: t('users:field.realname'), dataIndex: 'realname', key: 'realname', sorter: true },
    { title: t('users:field.created'), dataIndex: 'creation_time', key: 'creation_time', sorter: true, render: (v: string) => formatDate(v, i18n.language) },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, u) => {
        const self = u.user_id === me?.user_id;
        return (
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'admin', label: u.sysadmin_flag ? t('users:admin.revoke') : t('users:admin.grant'), disabled: self },
                { key: 'password', label: t('users:password.button') },
                { key: 'unlock', label: t('users:unlock.button') },
                { type: 'divider' },
                { key: 'delete', label: t('common:delete'), danger: true, disabled: self },
              ],
              onClick: ({ key }) => {
                if (key === 'admin') setAdmin(u, !u.sysadmin_flag);
                else if (key === 'password') setResetting(u);
                else if (key === 'unlock') unlock(u);
                else if (key === 'delete') remove(u);
              },
            }}
          >
            <Button size="small" aria-label={t('users:actionsFor', { name: u.username })} data-testid={`user-actions-${u.username}`}>
              {t('common:actions')} <DownOutlined />
            </Button>
          </Dropdown>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader
        title={t('users:title')}
        extra={
          localAccounts && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('users:create.button')}
            </Button>
          )
        }
      />
      {systemInfo.isSuccess && !localAccounts && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('users:externalAuth', { mode: authMode })} />}
      <Space.Compact style={{ marginBottom: 16 }}>
        <Select<SearchField>
          aria-label={t('users:searchField')}
          style={{ width: 140 }}
          value={field}
          onChange={(f) => {
            setField(f);
            if (text) search(text, f);
          }}
          options={[
            { value: 'username', label: t('users:field.username') },
            { value: 'email', label: t('users:field.email') },
          ]}
        />
        <SearchBox allowClear placeholder={t('users:search')} aria-label={t('users:search')} onSearch={(v) => search(v)} style={{ width: 260 }} />
      </Space.Compact>
      <ErrorAlert error={query.error} />
      <Table<User>
        rowKey="user_id"
        columns={columns}
        dataSource={query.data?.items}
        loading={query.isFetching}
        pagination={list.pagination(query.data?.total)}
        onChange={list.onTableChange}
        size="middle"
      />
      {localAccounts && creating && <Suspense fallback={null}><CreateUserDialog open onClose={() => setCreating(false)} /></Suspense>}
      {resetting && <Suspense fallback={null}><ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} /></Suspense>}
    </>
  );
}
