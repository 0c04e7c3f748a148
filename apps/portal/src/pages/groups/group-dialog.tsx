import { SearchOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, List, Modal, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, ApiError, api } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { useSubmission } from '../../lib/use-submission';
import { createGroupBody, GROUPS_KEY, GroupType, type GroupTypeId, groupTypesFor, nameOfDirectoryGroup, renameGroupBody, type UserGroup } from './group-model';

interface Values {
  name: string;
  type: GroupTypeId;
  ldapGroupDn?: string;
}

/** Harbor's UserGroup as GET /ldap/groups/search finds it in the directory. */
interface DirectoryGroup {
  group_name: string;
  ldap_group_dn: string;
}

/** The name and DN limits of Harbor's user_group columns. */
const MAX_NAME = 255;
const MAX_DN = 512;

/**
 * POST /usergroups (a new group of the type the authentication mode uses; an LDAP group by its DN,
 * which may be looked up in the directory) or PUT /usergroups/{id} (a new name). Refusals show
 * the API's message.
 */
export function GroupDialog({ group, authMode, onClose }: { group: UserGroup | null; authMode: string | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const { busy, error, run } = useSubmission();
  const types = groupTypesFor(authMode);
  const type = Form.useWatch('type', form) ?? types[0];

  const typeLabel = (id: GroupTypeId) => (id === GroupType.LDAP ? t('groups:type.ldap') : id === GroupType.HTTP ? t('groups:type.http') : t('groups:type.oidc'));

  const submit = (values: Values) =>
    run(async () => {
      if (group) {
        await api.put(`${API}/usergroups/${group.id}`, renameGroupBody(group, values.name));
        void message.success(t('groups:edit.done', { name: values.name.trim() }));
      } else {
        await api.post(`${API}/usergroups`, createGroupBody({ type: values.type, name: values.name, ldapGroupDn: values.ldapGroupDn }));
        void message.success(t('groups:create.done', { name: values.name.trim() }));
      }
      await client.invalidateQueries({ queryKey: GROUPS_KEY });
      onClose();
    });

  return (
    <Modal
      open
      title={group ? t('groups:edit.title', { name: group.group_name }) : t('groups:create.title')}
      okText={group ? t('common:save') : t('common:create')}
      cancelText={t('common:cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ErrorAlert error={error} title={group ? t('groups:edit.refused') : t('groups:create.refused')} />
      {!group && authMode !== 'ldap_auth' && authMode !== 'http_auth' && authMode !== 'oidc_auth' && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('groups:create.localAuth')} />
      )}
      <Form<Values> form={form} layout="vertical" onFinish={submit} autoComplete="off" initialValues={{ name: group?.group_name ?? '', type: types[0] }}>
        {group ? (
          <Form.Item label={t('groups:field.type')}>
            <Typography.Text>{typeLabel(group.group_type as GroupTypeId)}</Typography.Text>
            {group.ldap_group_dn && (
              <Typography.Paragraph type="secondary" style={{ margin: 0, overflowWrap: 'anywhere' }}>
                {group.ldap_group_dn}
              </Typography.Paragraph>
            )}
          </Form.Item>
        ) : (
          <Form.Item name="type" label={t('groups:field.type')} extra={types.length > 1 ? t('groups:create.typeHelp') : undefined}>
            <Radio.Group aria-label={t('groups:field.type')} options={types.map((id) => ({ value: id, label: typeLabel(id) }))} disabled={types.length === 1} />
          </Form.Item>
        )}
        {!group && type === GroupType.LDAP && (
          <>
            <DirectorySearch onPick={(g) => form.setFieldsValue({ ldapGroupDn: g.ldap_group_dn, name: nameOfDirectoryGroup(g) })} />
            <Form.Item
              name="ldapGroupDn"
              label={t('groups:field.ldapGroupDn')}
              extra={t('groups:create.dnHelp')}
              rules={[
                { required: true, whitespace: true, message: t('common:required') },
                { max: MAX_DN, message: t('groups:create.tooLong', { max: MAX_DN }) },
              ]}
            >
              <Input placeholder="cn=developers,ou=groups,dc=example,dc=com" spellCheck={false} />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="name"
          label={t('groups:field.name')}
          rules={[
            { required: true, whitespace: true, message: t('common:required') },
            { max: MAX_NAME, message: t('groups:create.tooLong', { max: MAX_NAME }) },
          ]}
        >
          <Input maxLength={MAX_NAME} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** GET /ldap/groups/search?groupname=…: the directory's groups by name, one to pick (404 is none found). */
function DirectorySearch({ onPick }: { onPick: (group: DirectoryGroup) => void }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const [searched, setSearched] = useState<string | null>(null);
  const query = useQuery({
    queryKey: ['ldap', 'groups', searched],
    queryFn: async () => {
      try {
        return await api.get<DirectoryGroup[]>(`${API}/ldap/groups/search`, { query: { groupname: searched ?? '' } });
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return [];
        throw err;
      }
    },
    enabled: searched !== null,
  });
  return (
    <Form.Item label={t('groups:directory.label')} extra={t('groups:directory.help')}>
      <Space.Compact style={{ width: '100%' }}>
        <Input value={typed} onChange={(e) => setTyped(e.target.value)} onPressEnter={(e) => {
            // Enter searches the directory; it does not submit the dialog.
            e.preventDefault();
            setSearched(typed.trim());
          }} aria-label={t('groups:directory.label')} />
        <Button icon={<SearchOutlined />} onClick={() => setSearched(typed.trim())} loading={query.isFetching}>
          {t('groups:directory.search')}
        </Button>
      </Space.Compact>
      <ErrorAlert error={query.error} />
      {query.data && (
        <List<DirectoryGroup>
          size="small"
          bordered
          style={{ marginTop: 8, maxHeight: 200, overflow: 'auto' }}
          dataSource={query.data}
          locale={{ emptyText: t('groups:directory.none') }}
          renderItem={(g) => (
            <List.Item actions={[<Button key="pick" size="small" onClick={() => onPick(g)} aria-label={t('groups:directory.pickAria', { name: g.group_name || g.ldap_group_dn })}>{t('groups:directory.pick')}</Button>]}>
              <List.Item.Meta title={g.group_name || '—'} description={<span style={{ overflowWrap: 'anywhere' }}>{g.ldap_group_dn}</span>} />
            </List.Item>
          )}
        />
      )}
    </Form.Item>
  );
}
