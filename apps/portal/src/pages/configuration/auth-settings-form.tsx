import { ApiOutlined } from '@ant-design/icons';
import { Alert, App, Button, Collapse, Divider, Flex, Form, Input, InputNumber, Select, Switch, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { changedSettings, type ConfigurationsAnswer, type ConfigValue, formValuesOf, ldapPingBody, oidcPingBody } from './settings';
import { useSaveSettings } from './use-save-settings';

interface PingResult {
  success: boolean;
  message: string;
}

/** The authentication tab: the auth mode and, for LDAP and OIDC, the provider's settings and a live test. */
export function AuthSettingsForm({ answer }: { answer: ConfigurationsAnswer }) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const [form] = Form.useForm<Record<string, ConfigValue>>();
  const { save, saving, error } = useSaveSettings();
  const [ping, setPing] = useState<PingResult | null>(null);
  const [pingError, setPingError] = useState<unknown>(null);
  const [pinging, setPinging] = useState(false);
  const [oidcPing, setOidcPing] = useState<'ok' | null>(null);
  const [oidcPingError, setOidcPingError] = useState<unknown>(null);
  const [oidcPinging, setOidcPinging] = useState(false);
  const authMode = Form.useWatch('auth_mode', form) ?? answer['auth_mode']?.value;
  const has = (key: string) => key in answer;
  const locked = (key: string) => !answer[key]?.editable;

  const field = (key: string, label: string, input: ReactNode, extra?: string) =>
    has(key) && (
      <Form.Item name={key} label={label} extra={extra}>
        {input}
      </Form.Item>
    );
  const text = (key: string, label: string, extra?: string, placeholder?: string) =>
    field(key, label, <Input disabled={locked(key)} autoComplete="off" spellCheck={false} placeholder={placeholder} />, extra);
  const scope = (key: string, label: string) =>
    field(
      key,
      label,
      <Select
        aria-label={label}
        disabled={locked(key)}
        options={[
          { value: 0, label: t('configuration:ldap.scopeBase') },
          { value: 1, label: t('configuration:ldap.scopeOneLevel') },
          { value: 2, label: t('configuration:ldap.scopeSubtree') },
        ]}
      />,
    );

  const submit = async (values: Record<string, ConfigValue>) => {
    const changed = changedSettings(answer, values);
    const go = async () => {
      if (await save(changed)) form.setFieldsValue({ ldap_search_password: '', oidc_client_secret: '' });
    };
    if (changed['auth_mode'] !== undefined) {
      modal.confirm({
        title: t('configuration:auth.confirmTitle'),
        content: t('configuration:auth.confirmText'),
        okText: t('common:save'),
        cancelText: t('common:cancel'),
        onOk: go,
      });
    } else {
      await go();
    }
  };

  const testLdap = async () => {
    setPing(null);
    setPingError(null);
    setPinging(true);
    try {
      const { data } = await api.post<PingResult>(`${API}/ldap/ping`, ldapPingBody(form.getFieldsValue()));
      setPing(data);
    } catch (err) {
      setPingError(err);
    } finally {
      setPinging(false);
    }
  };

  const testOidc = async () => {
    setOidcPing(null);
    setOidcPingError(null);
    setOidcPinging(true);
    try {
      await api.post(`${API}/system/oidc/ping`, oidcPingBody(form.getFieldsValue()));
      setOidcPing('ok');
    } catch (err) {
      setOidcPingError(err);
    } finally {
      setOidcPinging(false);
    }
  };

  const toggle = (key: string, label: string, extra?: string) =>
    has(key) && (
      <Form.Item name={key} label={label} valuePropName="checked" extra={extra}>
        <Switch disabled={locked(key)} aria-label={label} />
      </Form.Item>
    );

  const oidcSection = (
    <>
      {authMode === 'oidc_auth' && (
        <Divider titlePlacement="start">
          <Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>
            {t('configuration:oidc.title')}
          </Typography.Title>
        </Divider>
      )}
      <Alert type="info" showIcon title={t('configuration:oidc.redirectUri', { uri: `${window.location.origin}/c/oidc/callback` })} style={{ marginBottom: 16 }} />
      {text('oidc_name', t('configuration:oidc.name'), t('configuration:oidc.nameHelp'))}
      {text('oidc_endpoint', t('configuration:oidc.endpoint'), t('configuration:oidc.endpointHelp'), 'https://idp.example.com')}
      {text('oidc_client_id', t('configuration:oidc.clientId'))}
      <Form.Item name="oidc_client_secret" label={t('configuration:oidc.clientSecret')} extra={t('configuration:oidc.clientSecretHelp')}>
        <Input.Password autoComplete="new-password" placeholder={t('configuration:ldap.passwordUnchanged')} disabled={locked('oidc_client_id')} />
      </Form.Item>
      {text('oidc_groups_claim', t('configuration:oidc.groupsClaim'), t('configuration:oidc.groupsClaimHelp'), 'groups')}
      {text('oidc_admin_group', t('configuration:oidc.adminGroup'), t('configuration:oidc.adminGroupHelp'))}
      {text('oidc_group_filter', t('configuration:oidc.groupFilter'), t('configuration:oidc.groupFilterHelp'))}
      {text('oidc_scope', t('configuration:oidc.scope'), t('configuration:oidc.scopeHelp'), 'openid,offline_access')}
      {text('oidc_user_claim', t('configuration:oidc.userClaim'), t('configuration:oidc.userClaimHelp'))}
      {toggle('oidc_verify_cert', t('configuration:oidc.verifyCert'), t('configuration:ldap.verifyCertHelp'))}
      {toggle('oidc_auto_onboard', t('configuration:oidc.autoOnboard'), t('configuration:oidc.autoOnboardHelp'))}
      {text('oidc_extra_redirect_parms', t('configuration:oidc.extraParams'), t('configuration:oidc.extraParamsHelp'), '{}')}
      {toggle('oidc_logout', t('configuration:oidc.logout'))}
      {toggle('primary_auth_mode', t('configuration:oidc.primary'), t('configuration:oidc.primaryHelp'))}
      <Flex gap={8} align="start" vertical style={{ marginBottom: 24 }}>
        <Button icon={<ApiOutlined />} onClick={() => void testOidc()} loading={oidcPinging}>
          {t('configuration:oidc.test')}
        </Button>
        {oidcPing && <Alert role="status" type="success" showIcon title={t('configuration:oidc.testOk')} style={{ width: '100%' }} />}
        {oidcPingError !== null && (
          <div style={{ width: '100%' }}>
            <ErrorAlert error={oidcPingError} title={t('configuration:oidc.testFailed')} />
          </div>
        )}
      </Flex>
    </>
  );

  const ldapSection = (
    <>
      {authMode === 'ldap_auth' && (
        <Divider titlePlacement="start">
          <Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>
            {t('configuration:ldap.title')}
          </Typography.Title>
        </Divider>
      )}
      {text('ldap_url', t('configuration:ldap.url'), t('configuration:ldap.urlHelp'), 'ldaps://ldap.example.com')}
      {text('ldap_search_dn', t('configuration:ldap.searchDn'), t('configuration:ldap.searchDnHelp'))}
      <Form.Item name="ldap_search_password" label={t('configuration:ldap.searchPassword')} extra={t('configuration:ldap.searchPasswordHelp')}>
        <Input.Password autoComplete="new-password" placeholder={t('configuration:ldap.passwordUnchanged')} disabled={locked('ldap_search_dn')} />
      </Form.Item>
      {text('ldap_base_dn', t('configuration:ldap.baseDn'), undefined, 'dc=example,dc=com')}
      {text('ldap_filter', t('configuration:ldap.filter'), t('configuration:ldap.filterHelp'), '(objectClass=person)')}
      {text('ldap_uid', t('configuration:ldap.uid'), t('configuration:ldap.uidHelp'))}
      {scope('ldap_scope', t('configuration:ldap.scope'))}
      {field('ldap_timeout', t('configuration:ldap.timeout'), <InputNumber min={1} max={300} precision={0} disabled={locked('ldap_timeout')} aria-label={t('configuration:ldap.timeout')} />)}
      {has('ldap_verify_cert') && (
        <Form.Item name="ldap_verify_cert" label={t('configuration:ldap.verifyCert')} valuePropName="checked" extra={t('configuration:ldap.verifyCertHelp')}>
          <Switch disabled={locked('ldap_verify_cert')} aria-label={t('configuration:ldap.verifyCert')} />
        </Form.Item>
      )}
      <Flex gap={8} align="start" vertical style={{ marginBottom: 24 }}>
        <Button icon={<ApiOutlined />} onClick={() => void testLdap()} loading={pinging}>
          {t('configuration:ldap.test')}
        </Button>
        {ping && (
          <Alert
            role="status"
            type={ping.success ? 'success' : 'error'}
            showIcon
            title={ping.success ? t('configuration:ldap.testOk') : t('configuration:ldap.testFailed')}
            description={ping.message}
            style={{ width: '100%' }}
          />
        )}
        {pingError !== null && (
          <div style={{ width: '100%' }}>
            <ErrorAlert error={pingError} title={t('configuration:ldap.testFailed')} />
          </div>
        )}
      </Flex>
      {['ldap_group_base_dn', 'ldap_group_search_filter', 'ldap_group_attribute_name', 'ldap_group_search_scope', 'ldap_group_admin_dn', 'ldap_group_membership_attribute'].some(has) && (
        <>
          <Divider titlePlacement="start">
            <Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>
              {t('configuration:ldap.groups')}
            </Typography.Title>
          </Divider>
          {text('ldap_group_base_dn', t('configuration:ldap.groupBaseDn'), t('configuration:ldap.groupBaseDnHelp'))}
          {text('ldap_group_search_filter', t('configuration:ldap.groupFilter'), undefined, '(objectClass=groupOfNames)')}
          {text('ldap_group_attribute_name', t('configuration:ldap.groupAttribute'), t('configuration:ldap.groupAttributeHelp'))}
          {scope('ldap_group_search_scope', t('configuration:ldap.groupScope'))}
          {text('ldap_group_admin_dn', t('configuration:ldap.groupAdminDn'), t('configuration:ldap.groupAdminDnHelp'))}
          {text('ldap_group_membership_attribute', t('configuration:ldap.groupMembership'), t('configuration:ldap.groupMembershipHelp'))}
        </>
      )}
    </>
  );

  return (
    <Form form={form} layout="vertical" onFinish={submit} initialValues={{ ...formValuesOf(answer), ldap_search_password: '', oidc_client_secret: '' }} style={{ maxWidth: 640 }}>
      <ErrorAlert error={error} title={t('configuration:refused')} />
      {has('auth_mode') && (
        <>
          {locked('auth_mode') && <Alert type="info" showIcon title={t('configuration:auth.modeLocked')} style={{ marginBottom: 16 }} />}
          <Form.Item name="auth_mode" label={t('configuration:auth.mode')}>
            <Select
              aria-label={t('configuration:auth.mode')}
              disabled={locked('auth_mode')}
              options={[
                { value: 'db_auth', label: t('configuration:auth.db') },
                { value: 'ldap_auth', label: t('configuration:auth.ldap') },
                { value: 'oidc_auth', label: t('configuration:auth.oidc') },
              ]}
            />
          </Form.Item>
        </>
      )}
      {authMode === 'ldap_auth' ? (
        ldapSection
      ) : (
        <Collapse
          style={{ marginBottom: 24 }}
          items={[{ key: 'ldap', label: t('configuration:ldap.inactive'), children: ldapSection }]}
        />
      )}
      {authMode === 'oidc_auth' ? (
        oidcSection
      ) : (
        <Collapse
          style={{ marginBottom: 24 }}
          items={[{ key: 'oidc', label: t('configuration:oidc.inactive'), children: oidcSection }]}
        />
      )}
      <Flex gap={8}>
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('common:save')}
        </Button>
        <Button onClick={() => form.resetFields()}>{t('configuration:reset')}</Button>
      </Flex>
    </Form>
  );
}
