import { Button, Checkbox, Flex, Form, Input, InputNumber, Select, Space, Switch } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert';
import { changedSettings, type ConfigurationsAnswer, type ConfigValue, formValuesOf, STORAGE_UNITS, type StorageUnit, storageAmountOf, storageBytesOf } from './settings';
import { useSaveSettings } from './use-save-settings';

type Values = Record<string, ConfigValue> & { storage_unlimited?: boolean; storage_amount?: number; storage_unit?: StorageUnit };

/** The system settings tab: who creates projects, token and session lifetimes, webhooks, the default quota, read-only mode. */
export function SystemSettingsForm({ answer }: { answer: ConfigurationsAnswer }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { save, saving, error } = useSaveSettings();
  const unlimited = Form.useWatch('storage_unlimited', form);
  const has = (key: string) => key in answer;
  const locked = (key: string) => !answer[key]?.editable;
  const storage = storageAmountOf(Number(answer['storage_per_project']?.value ?? -1));

  const field = (key: string, label: string, input: ReactNode, extra?: string, checked = false) =>
    has(key) && (
      <Form.Item name={key} label={label} extra={extra} valuePropName={checked ? 'checked' : 'value'}>
        {input}
      </Form.Item>
    );
  const number = (key: string, label: string, min: number, max: number, extra: string) =>
    field(key, label, <InputNumber min={min} max={max} precision={0} disabled={locked(key)} aria-label={label} style={{ width: 200 }} />, extra);

  const submit = async ({ storage_unlimited, storage_amount, storage_unit, ...values }: Values) => {
    if (has('storage_per_project')) {
      values['storage_per_project'] = storageBytesOf({ unlimited: !!storage_unlimited, amount: storage_amount ?? 0, unit: storage_unit ?? 'GiB' });
    }
    await save(changedSettings(answer, values));
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={submit}
      initialValues={{ ...formValuesOf(answer), storage_unlimited: storage.unlimited, storage_amount: storage.amount, storage_unit: storage.unit }}
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
      {field(
        'read_only',
        t('configuration:system.readOnly'),
        <Switch disabled={locked('read_only')} aria-label={t('configuration:system.readOnly')} />,
        t('configuration:system.readOnlyHelp'),
        true,
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
