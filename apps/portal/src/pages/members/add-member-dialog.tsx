import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Form, Input, Modal, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { RoleName } from '../../components/role-name';
import { memberRequest, ROLE_ORDER } from './member-model';

interface Values {
  username: string;
  groupName: string;
  ldapGroupDn?: string;
  roleId: number;
}

/** Waits for typing to pause before asking the server for suggestions. */
function useDebounced(value: string, ms = 250): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * POST /projects/{id}/members: a user (suggested by GET /users/search as the name is typed) or a
 * group (Wharf finds groups by LDAP DN, onboarding them from the directory in LDAP mode, or by the
 * name of a group it already knows), with a role. Refusals show the API's message.
 */
export function AddMemberDialog({ kind, projectId, onClose, onAdded }: { kind: 'user' | 'group' | null; projectId: number; onClose: () => void; onAdded: (name: string) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [typed, setTyped] = useState('');
  const search = useDebounced(typed.trim());

  const users = useQuery({
    queryKey: ['users', 'search', search],
    queryFn: () => api.list<{ user_id: number; username: string }>(`${API}/users/search`, { query: { username: search, page: 1, page_size: 10 } }),
    enabled: kind === 'user' && search.length > 0,
  });

  const close = () => {
    form.resetFields();
    setError(null);
    setTyped('');
    onClose();
  };

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      const body =
        kind === 'group'
          ? memberRequest({ kind: 'group', groupName: values.groupName ?? '', ldapGroupDn: values.ldapGroupDn, roleId: values.roleId })
          : memberRequest({ kind: 'user', username: values.username, roleId: values.roleId });
      await api.post(`${API}/projects/${projectId}/members`, body);
      const name = kind === 'group' ? values.groupName || values.ldapGroupDn || '' : values.username.trim();
      form.resetFields();
      setTyped('');
      onAdded(name);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={kind !== null}
      title={kind === 'group' ? t('members:add.groupTitle') : t('members:add.userTitle')}
      okText={t('members:add.ok')}
      cancelText={t('common:cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={close}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ roleId: 2 }}>
        {kind === 'user' ? (
          <Form.Item name="username" label={t('members:add.username')} rules={[{ required: true, whitespace: true, message: t('common:required') }]}>
            <AutoComplete
              onSearch={setTyped}
              options={(users.data?.items ?? []).map((u) => ({ value: u.username, label: u.username }))}
              notFoundContent={search && !users.isFetching ? t('members:add.noUsers') : undefined}
            >
              <Input autoComplete="off" aria-label={t('members:add.username')} />
            </AutoComplete>
          </Form.Item>
        ) : (
          <>
            <Form.Item
              name="groupName"
              label={t('members:add.groupName')}
              dependencies={['ldapGroupDn']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_, value?: string) => (value?.trim() || String(getFieldValue('ldapGroupDn') ?? '').trim() ? Promise.resolve() : Promise.reject(new Error(t('members:add.groupNeeded')))),
                }),
              ]}
            >
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name="ldapGroupDn" label={t('members:add.ldapGroupDn')} extra={t('members:add.ldapGroupDnHelp')} rules={[{ max: 1024 }]}>
              <Input autoComplete="off" placeholder="cn=developers,ou=groups,dc=example,dc=com" />
            </Form.Item>
          </>
        )}
        <Form.Item name="roleId" label={t('members:column.role')} rules={[{ required: true, message: t('common:required') }]}>
          <Select aria-label={t('members:column.role')} options={ROLE_ORDER.map((id) => ({ value: id, label: <RoleName id={id} /> }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
