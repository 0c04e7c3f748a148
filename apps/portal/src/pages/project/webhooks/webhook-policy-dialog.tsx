import { useQueryClient } from '@tanstack/react-query';
import { App, Checkbox, Form, Input, Modal, Select, Switch } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../../api/client';
import { ErrorAlert } from '../../../components/error-alert';
import { useEventTypeLabel } from './webhook-labels';
import { emptyFormValues, formValuesOf, payloadFormatsFor, policyBody, type PolicyFormValues, type SupportedEventTypes, type WebhookPolicy } from './webhook-policy';

interface Props {
  projectId: number;
  supported: SupportedEventTypes | undefined;
  /** The policy being edited; undefined to create one. */
  policy?: WebhookPolicy;
  open: boolean;
  onClose: () => void;
}

/** POST or PUT .../webhook/policies: one target, its event types, enabled. The API checks the address. */
export function WebhookPolicyDialog({ projectId, supported, policy, open, onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const eventLabel = useEventTypeLabel();
  const [form] = Form.useForm<PolicyFormValues>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  const notifyType = Form.useWatch('notifyType', form) ?? 'http';
  const formats = payloadFormatsFor(supported, notifyType);

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.setFieldsValue(policy ? formValuesOf(policy) : emptyFormValues(supported));
  }, [open, policy, supported, form]);

  const submit = async (values: PolicyFormValues) => {
    setBusy(true);
    setError(null);
    try {
      const body = policyBody(values, supported, policy);
      if (policy) await api.put(`${API}/projects/${projectId}/webhook/policies/${policy.id}`, body);
      else await api.post(`${API}/projects/${projectId}/webhook/policies`, body);
      void message.success(policy ? t('webhooks:form.updated', { name: body.name }) : t('webhooks:form.created', { name: body.name }));
      await client.invalidateQueries({ queryKey: ['webhooks', projectId] });
      onClose();
    } catch (err) {
      setError(err);
      // The API's reason is above the form, which may be scrolled past.
      requestAnimationFrame(() => errorRef.current?.scrollIntoView({ block: 'nearest' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={policy ? t('webhooks:form.editTitle') : t('webhooks:form.createTitle')}
      okText={policy ? t('common:save') : t('common:create')}
      cancelText={t('common:cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
      width={640}
    >
      <div ref={errorRef}>
        <ErrorAlert error={error} title={policy ? t('webhooks:form.updateRefused') : t('webhooks:form.createRefused')} />
      </div>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={emptyFormValues(supported)}>
        <Form.Item name="name" label={t('webhooks:form.name')} rules={[{ required: true, whitespace: true, message: t('common:required') }, { max: 256, message: t('webhooks:form.tooLong', { max: 256 }) }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="description" label={t('webhooks:form.description')} rules={[{ max: 1024, message: t('webhooks:form.tooLong', { max: 1024 }) }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="notifyType" label={t('webhooks:form.notifyType')}>
          <Select
            options={(supported?.notify_type ?? ['http']).map((type) => ({
              value: type,
              label: type === 'http' ? t('webhooks:notify.http') : type === 'slack' ? t('webhooks:notify.slack') : type,
            }))}
          />
        </Form.Item>
        {formats.length > 0 && (
          <Form.Item name="payloadFormat" label={t('webhooks:form.payloadFormat')} extra={t('webhooks:form.payloadFormatHelp')}>
            <Select options={formats.map((f) => ({ value: f, label: f }))} />
          </Form.Item>
        )}
        <Form.Item
          name="address"
          label={t('webhooks:form.address')}
          extra={notifyType === 'slack' ? t('webhooks:form.addressSlackHelp') : t('webhooks:form.addressHelp')}
          rules={[
            { required: true, whitespace: true, message: t('common:required') },
            { pattern: /^https?:\/\/\S+$/i, message: t('webhooks:form.addressRule') },
          ]}
        >
          <Input autoComplete="off" placeholder="https://ci.example.com/hooks/registry" />
        </Form.Item>
        {notifyType !== 'slack' && (
          <Form.Item name="authHeader" label={t('webhooks:form.authHeader')} extra={t('webhooks:form.authHeaderHelp')}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
        <Form.Item name="verifyRemoteCert" label={t('webhooks:form.verifyCert')} valuePropName="checked" extra={t('webhooks:form.verifyCertHelp')}>
          <Switch />
        </Form.Item>
        <Form.Item
          name="eventTypes"
          label={t('webhooks:form.eventTypes')}
          rules={[
            {
              // A validator rather than `required`: antd would put aria-required on the checkbox group, which that role does not take.
              validator: async (_, value: string[] | undefined) => {
                if (!value || value.length === 0) throw new Error(t('webhooks:form.eventTypesRule'));
              },
            },
          ]}
        >
          <Checkbox.Group aria-label={t('webhooks:form.eventTypes')} options={(supported?.event_type ?? []).map((type) => ({ value: type, label: eventLabel(type) }))} />
        </Form.Item>
        <Form.Item name="enabled" label={t('webhooks:form.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
