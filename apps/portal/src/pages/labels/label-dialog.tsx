import { useQueryClient } from '@tanstack/react-query';
import { App, Flex, Form, Input, Modal } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { useSubmission } from '../../lib/use-submission';
import { LabelChip } from './label-chip';
import { emptyLabelForm, type Label, labelBody, labelFormOf, type LabelFormValues, MAX_NAME_LENGTH } from './label-model';
import type { LabelScope } from './labels-table';

interface Props {
  scope: LabelScope;
  /** The label being edited; undefined to create one in `scope`. */
  label?: Label;
  open: boolean;
  onClose: () => void;
}

/** POST /labels (a global label, or one of the project) or PUT /labels/{id}: name, colour, description. */
export function LabelDialog({ scope, label, open, onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<LabelFormValues>();
  const { busy, error, setError, run } = useSubmission();
  const preview = Form.useWatch([], form) as LabelFormValues | undefined;

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.setFieldsValue(label ? labelFormOf(label) : emptyLabelForm());
  }, [open, label, form, setError]);

  const submit = (values: LabelFormValues) =>
    run(async () => {
      if (label) await api.put(`${API}/labels/${label.id}`, labelBody(values));
      else await api.post(`${API}/labels`, labelBody(values, scope.kind === 'g' ? { scope: 'g' } : { scope: 'p', projectId: scope.projectId }));
      const name = values.name.trim();
      void message.success(label ? t('labels:form.updated', { name }) : t('labels:form.created', { name }));
      await client.invalidateQueries({ queryKey: ['labels'] });
      await client.invalidateQueries({ queryKey: ['artifacts'] });
      onClose();
    });

  return (
    <Modal
      open={open}
      title={label ? t('labels:form.editTitle') : scope.kind === 'g' ? t('labels:form.createGlobalTitle') : t('labels:form.createProjectTitle')}
      okText={label ? t('common:save') : t('common:create')}
      cancelText={t('common:cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ErrorAlert error={error} title={label ? t('labels:form.updateRefused') : t('labels:form.createRefused')} />
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={emptyLabelForm()} autoComplete="off">
        <Form.Item
          name="name"
          label={t('labels:form.name')}
          rules={[
            { required: true, whitespace: true, message: t('common:required') },
            { max: MAX_NAME_LENGTH, message: t('labels:form.tooLong', { max: MAX_NAME_LENGTH }) },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item label={t('labels:form.color')} required>
          <Flex gap={12} align="center">
            <Form.Item name="color" noStyle normalize={(v: string) => v.toUpperCase()}>
              <input type="color" aria-label={t('labels:form.color')} style={{ width: 56, height: 32, padding: 2, border: '1px solid #d9d9d9', borderRadius: 6 }} />
            </Form.Item>
            <span aria-hidden="true">
              <LabelChip label={{ name: preview?.name?.trim() || t('labels:form.preview'), color: preview?.color ?? '', description: '' }} />
            </span>
          </Flex>
        </Form.Item>
        <Form.Item name="description" label={t('labels:form.description')} rules={[{ max: 1024, message: t('labels:form.tooLong', { max: 1024 }) }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
