import { Alert, Form, Modal, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../components/error-alert';
import type { PolicyRule } from './policy-types';
import { immutableFormToRule, type ImmutableRuleForm } from './rule-form';
import { immutableRuleSentence } from './rule-sentence';
import { RepositorySelectorFields, TagSelectorFields } from './selector-fields';

interface Props {
  initial: ImmutableRuleForm;
  editing: boolean;
  onSave(rule: PolicyRule): Promise<void>;
  onClose(): void;
}

/** Adds or changes one immutable tag rule; a refusal (a copy of another rule, the limit) shows the API's reason. */
export function ImmutableRuleDialog({ initial, editing, onSave, onClose }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ImmutableRuleForm>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const values = Form.useWatch([], form) as Partial<ImmutableRuleForm> | undefined;
  const current: ImmutableRuleForm = { ...initial, ...values };
  const more = initial.moreRepositories.length + initial.moreTags.length;

  const submit = async (submitted: ImmutableRuleForm) => {
    setBusy(true);
    setError(null);
    try {
      await onSave(immutableFormToRule({ ...initial, ...submitted }));
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
      width={600}
      title={editing ? t('immutable:dialog.editTitle') : t('immutable:dialog.addTitle')}
      okText={t('common:save')}
      cancelText={t('common:cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ErrorAlert error={error} title={t('immutable:saveFailed')} />
      <Form form={form} layout="vertical" onFinish={submit} initialValues={initial}>
        <RepositorySelectorFields />
        <TagSelectorFields />
        <Form.Item label={t('immutable:dialog.enabled')}>
          <Form.Item name="disabled" noStyle valuePropName="checked" getValueProps={(v: boolean) => ({ checked: !v })} getValueFromEvent={(checked: boolean) => !checked}>
            <Switch aria-label={t('immutable:dialog.enabled')} />
          </Form.Item>
        </Form.Item>
        {more > 0 && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('retention:dialog.moreSelectors', { count: more })} />}
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('retention:dialog.preview')} {immutableRuleSentence(immutableFormToRule({ ...current, tagPattern: current.tagPattern ?? '', repoPattern: current.repoPattern ?? '' }), t)}
        </Typography.Paragraph>
      </Form>
    </Modal>
  );
}
