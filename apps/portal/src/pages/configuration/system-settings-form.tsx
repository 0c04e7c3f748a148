import { useQuery } from '@tanstack/react-query';
import { Button, Checkbox, Flex, Form, Input, InputNumber, Select, Space, Switch } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { type BannerType, bannerValue, isoOfLocalInput, localInputOf, parseBanner } from '../../lib/banner';
import {
  changedSettings,
  type ConfigurationsAnswer,
  type ConfigValue,
  eventTypeListOf,
  eventTypesValue,
  formValuesOf,
  STORAGE_UNITS,
  type StorageUnit,
  storageAmountOf,
  storageBytesOf,
} from './settings';
import { useSaveSettings } from './use-save-settings';

type BannerFields = { banner_text?: string; banner_type?: BannerType; banner_closable?: boolean; banner_from?: string; banner_to?: string };
type Values = Record<string, ConfigValue> & { storage_unlimited?: boolean; storage_amount?: number; storage_unit?: StorageUnit; disabled_event_list?: string[] } & BannerFields;

const DISABLED_EVENTS = 'disabled_audit_log_event_types';

/**
 * The system settings tab: who creates projects, token and session lifetimes, webhooks, quotas,
 * the banner message, read-only mode, and the audit log's forwarding, database switch and event types.
 */
export function SystemSettingsForm({ answer }: { answer: ConfigurationsAnswer }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { save, saving, error } = useSaveSettings();
  const unlimited = Form.useWatch('storage_unlimited', form);
  const forwardEndpoint = Form.useWatch('audit_log_forward_endpoint', form);
  const eventTypes = useQuery({
    queryKey: ['audit-log-event-types'],
    queryFn: () => api.get<{ event_type: string }[]>(`${API}/auditlog-exts/events`),
    enabled: DISABLED_EVENTS in answer,
  });
  const eventTypeNames = (eventTypes.data ?? []).map((e) => e.event_type);
  const has = (key: string) => key in answer;
  const locked = (key: string) => !answer[key]?.editable;
  const storage = storageAmountOf(Number(answer['storage_per_project']?.value ?? -1));
  const banner = parseBanner(String(answer['banner_message']?.value ?? ''));

  const field = (key: string, label: string, input: ReactNode, extra?: string, checked = false) =>
    has(key) && (
      <Form.Item name={key} label={label} extra={extra} valuePropName={checked ? 'checked' : 'value'}>
        {input}
      </Form.Item>
    );
  const number = (key: string, label: string, min: number, max: number, extra: string) =>
    field(key, label, <InputNumber min={min} max={max} precision={0} disabled={locked(key)} aria-label={label} style={{ width: 200 }} />, extra);

  const submit = async ({ storage_unlimited, storage_amount, storage_unit, banner_text, banner_type, banner_closable, banner_from, banner_to, disabled_event_list, ...values }: Values) => {
    if (has(DISABLED_EVENTS) && disabled_event_list) values[DISABLED_EVENTS] = eventTypesValue(disabled_event_list, eventTypeNames);
    // Harbor's rule: rows stay out of the database only while they are forwarded.
    if (typeof values['audit_log_forward_endpoint'] === 'string' && values['audit_log_forward_endpoint'].trim() === '') values['skip_audit_log_database'] = false;
    if (has('storage_per_project')) {
      values['storage_per_project'] = storageBytesOf({ unlimited: !!storage_unlimited, amount: storage_amount ?? 0, unit: storage_unit ?? 'GiB' });
    }
    if (has('banner_message')) {
      values['banner_message'] = bannerValue({
        message: banner_text ?? '',
        type: banner_type ?? 'info',
        closable: !!banner_closable,
        fromDate: isoOfLocalInput(banner_from),
        toDate: isoOfLocalInput(banner_to),
      });
    }
    await save(changedSettings(answer, values));
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={submit}
      initialValues={{
        ...formValuesOf(answer),
        storage_unlimited: storage.unlimited,
        storage_amount: storage.amount,
        storage_unit: storage.unit,
        banner_text: banner?.message ?? '',
        banner_type: banner?.type ?? 'info',
        banner_closable: banner?.closable ?? false,
        banner_from: localInputOf(banner?.fromDate),
        banner_to: localInputOf(banner?.toDate),
        disabled_event_list: eventTypeListOf(answer[DISABLED_EVENTS]?.value),
      }}
      style={{ maxWidth: 640 }}
    >
      <ErrorAlert error={error} title={t('configuration:refused')} />
      {field(
        'project_creation_restriction',
        t('configuration:system.projectCreation'),
        <Select
          aria-label={t('configuration:system.projectCreation')}
          disabled={locked('project_creation_restriction')}
          options={[
            { value: 'everyone', label: t('configuration:system.everyone') },
            { value: 'adminonly', label: t('configuration:system.adminOnly') },
          ]}
        />,
        t('configuration:system.projectCreationHelp'),
      )}
      {has('storage_per_project') && (
        <Form.Item label={t('configuration:system.storagePerProject')} extra={t('configuration:system.storagePerProjectHelp')}>
          <Space wrap>
            <Form.Item name="storage_unlimited" valuePropName="checked" noStyle>
              <Checkbox disabled={locked('storage_per_project')}>{t('configuration:system.unlimited')}</Checkbox>
            </Form.Item>
            {!unlimited && (
              <Space.Compact>
                <Form.Item name="storage_amount" noStyle rules={[{ required: true, message: t('common:required') }]}>
                  <InputNumber min={0.01} max={1024 * 1024 * 1024} disabled={locked('storage_per_project')} aria-label={t('configuration:system.storageAmount')} />
                </Form.Item>
                <Form.Item name="storage_unit" noStyle>
                  <Select aria-label={t('configuration:system.storageUnit')} style={{ width: 90 }} disabled={locked('storage_per_project')} options={STORAGE_UNITS.map((u) => ({ value: u, label: u }))} />
                </Form.Item>
              </Space.Compact>
            )}
          </Space>
        </Form.Item>
      )}
      {field(
        'quota_per_project_enable',
        t('configuration:system.quotaPerProject'),
        <Switch disabled={locked('quota_per_project_enable')} aria-label={t('configuration:system.quotaPerProject')} />,
        t('configuration:system.quotaPerProjectHelp'),
        true,
      )}
      {number('token_expiration', t('configuration:system.tokenExpiration'), 1, 525_600, t('configuration:system.tokenExpirationHelp'))}
      {number('robot_token_duration', t('configuration:system.robotDuration'), 1, 99_999, t('configuration:system.robotDurationHelp'))}
      {field('robot_name_prefix', t('configuration:system.robotPrefix'), <Input disabled={locked('robot_name_prefix')} />, locked('robot_name_prefix') ? t('configuration:system.robotPrefixFixed') : undefined)}
      {number('session_timeout', t('configuration:system.sessionTimeout'), 1, 9_999_999_999, t('configuration:system.sessionTimeoutHelp'))}
      {field(
        'notification_enable',
        t('configuration:system.webhooks'),
        <Switch disabled={locked('notification_enable')} aria-label={t('configuration:system.webhooks')} />,
        t('configuration:system.webhooksHelp'),
        true,
      )}
      {field(
        'webhook_allowed_networks',
        t('configuration:system.webhookNetworks'),
        <Input disabled={locked('webhook_allowed_networks')} spellCheck={false} placeholder="10.0.0.0/8,!10.0.0.1" />,
        t('configuration:system.webhookNetworksHelp'),
      )}
      {has('banner_message') && (
        <Form.Item label={t('configuration:system.banner')} extra={t('configuration:system.bannerHelp')}>
          <Form.Item name="banner_text" noStyle>
            <Input.TextArea rows={2} maxLength={1000} disabled={locked('banner_message')} aria-label={t('configuration:system.bannerText')} />
          </Form.Item>
          <Space wrap style={{ marginTop: 8 }}>
            <Form.Item name="banner_type" noStyle>
              <Select
                aria-label={t('configuration:system.bannerType')}
                style={{ width: 140 }}
                disabled={locked('banner_message')}
                options={[
                  { value: 'info', label: t('configuration:system.bannerTypes.info') },
                  { value: 'warning', label: t('configuration:system.bannerTypes.warning') },
                  { value: 'success', label: t('configuration:system.bannerTypes.success') },
                  { value: 'danger', label: t('configuration:system.bannerTypes.danger') },
                ] satisfies { value: BannerType; label: string }[]}
              />
            </Form.Item>
            <Form.Item name="banner_closable" valuePropName="checked" noStyle>
              <Checkbox disabled={locked('banner_message')}>{t('configuration:system.bannerClosable')}</Checkbox>
            </Form.Item>
          </Space>
          <Space wrap style={{ marginTop: 8 }}>
            <Form.Item name="banner_from" label={t('configuration:system.bannerFrom')} style={{ marginBottom: 0 }}>
              <Input type="datetime-local" disabled={locked('banner_message')} />
            </Form.Item>
            <Form.Item name="banner_to" label={t('configuration:system.bannerTo')} style={{ marginBottom: 0 }}>
              <Input type="datetime-local" disabled={locked('banner_message')} />
            </Form.Item>
          </Space>
        </Form.Item>
      )}
      {field(
        'read_only',
        t('configuration:system.readOnly'),
        <Switch disabled={locked('read_only')} aria-label={t('configuration:system.readOnly')} />,
        t('configuration:system.readOnlyHelp'),
        true,
      )}
      {field(
        'audit_log_forward_endpoint',
        t('configuration:system.auditForwardEndpoint'),
        <Input disabled={locked('audit_log_forward_endpoint')} spellCheck={false} placeholder="syslog.example.com:514" />,
        t('configuration:system.auditForwardEndpointHelp'),
      )}
      {field(
        'skip_audit_log_database',
        t('configuration:system.skipAuditDatabase'),
        <Switch
          disabled={locked('skip_audit_log_database') || !(typeof forwardEndpoint === 'string' && forwardEndpoint.trim() !== '')}
          aria-label={t('configuration:system.skipAuditDatabase')}
        />,
        t('configuration:system.skipAuditDatabaseHelp'),
        true,
      )}
      {has(DISABLED_EVENTS) && (
        <Form.Item name="disabled_event_list" label={t('configuration:system.disabledAuditEvents')} extra={t('configuration:system.disabledAuditEventsHelp')}>
          <Select
            mode="multiple"
            allowClear
            aria-label={t('configuration:system.disabledAuditEvents')}
            disabled={locked(DISABLED_EVENTS)}
            loading={eventTypes.isLoading}
            placeholder={t('configuration:system.disabledAuditEventsNone')}
            options={eventTypeNames.map((name) => ({ value: name, label: name }))}
          />
        </Form.Item>
      )}
      {field(
        'self_registration',
        t('configuration:system.selfRegistration'),
        <Switch disabled={locked('self_registration')} aria-label={t('configuration:system.selfRegistration')} />,
        locked('self_registration') ? t('configuration:system.selfRegistrationFixed') : undefined,
        true,
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
