import { Alert, Checkbox, Form, InputNumber, Modal, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../components/error-alert';
import type { PolicyRule, RetentionTemplateMetadata } from './policy-types';
import { retentionFormToRule, type RetentionRuleForm, templateHasParam } from './rule-form';
import { retentionRuleSentence } from './rule-sentence';
import { RepositorySelectorFields, TagSelectorFields } from './selector-fields';
import { useTemplateLabel } from './use-template-label';

/** The largest parameters the server takes: counts below 2^15 - 1, days up to 20190904. */
const MAX_PARAM: Readonly<Record<string, number>> = { COUNT: 32_766, DAYS: 20_190_904 };

interface Props {
  /** The rule being edited (as the form holds it), or a new rule's defaults. */
  initial: RetentionRuleForm;
  editing: boolean;
  templates: RetentionTemplateMetadata[];
  onSave(rule: PolicyRule): Promise<void>;
  onClose(): void;
}

/** Adds or changes one retention rule; the caller saves the whole policy. */
export function RetentionRuleDialog({ initial, editing, templates, onSave, onClose }: Props) {
  const { t } = useTranslation();
  const templateLabel = useTemplateLabel();
  const [form] = Form.useForm<RetentionRuleForm>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const values = Form.useWatch([], form) as Partial<RetentionRuleForm> | undefined;
  const template = templates.find((m) => m.rule_template === (values?.template ?? initial.template));
  const unit = template?.params[0]?.unit;
  const current: RetentionRuleForm = { ...initial, ...values };
  const more = initial.moreRepositories.length + initial.moreTags.length;

  const submit = async (submitted: RetentionRuleForm) => {
    setBusy(true);
    setError(null);
    try {
      const chosen = templates.find((m) => m.rule_template === submitted.template);
      await onSave(retentionFormToRule({ ...initial, ...submitted }, chosen));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={640}
      title={editing ? t('retention:dialog.editTitle') : t('retention:dialog.addTitle')}
      okText={t('common:save')}
      cancelText={t('common:cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ErrorAlert error={error} title={t('retention:saveFailed')} />
      <Form form={form} layout="vertical" onFinish={submit} initialValues={initial}>
        <RepositorySelectorFields />
        <Form.Item label={t('retention:dialog.retain')} required>
          <Form.Item name="template" noStyle>
            <Select
              aria-label={t('retention:dialog.template')}
              options={templates.map((m) => ({ value: m.rule_template, label: templateLabel(m) }))}
              onChange={(value: string) => {
                const next = templates.find((m) => m.rule_template === value);
                if (templateHasParam(next) && form.getFieldValue('param') === undefined) form.setFieldValue('param', 10);
              }}
            />
          </Form.Item>
        </Form.Item>
        {templateHasParam(template) && (
          <Form.Item
            name="param"
            label={unit === 'DAYS' ? t('retention:dialog.days') : t('retention:dialog.count')}
            rules={[{ required: true, message: t('common:required') }]}
          >
            <InputNumber min={0} max={MAX_PARAM[unit ?? 'COUNT'] ?? MAX_PARAM['COUNT']} precision={0} style={{ width: 160 }} />
          </Form.Item>
        )}
        <TagSelectorFields />
        <Form.Item name="untagged" valuePropName="checked">
          <Checkbox>{t('retention:dialog.untagged')}</Checkbox>
        </Form.Item>
        <Form.Item label={t('retention:dialog.enabled')}>
          <Form.Item name="disabled" noStyle valuePropName="checked" getValueProps={(v: boolean) => ({ checked: !v })} getValueFromEvent={(checked: boolean) => !checked}>
            <Switch aria-label={t('retention:dialog.enabled')} />
          </Form.Item>
        </Form.Item>
        {more > 0 && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('retention:dialog.moreSelectors', { count: more })} />}
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('retention:dialog.preview')} {retentionRuleSentence(retentionFormToRule({ ...current, tagPattern: current.tagPattern ?? '', repoPattern: current.repoPattern ?? '' }, template), t)}
        </Typography.Paragraph>
      </Form>
    </Modal>
  );
}
