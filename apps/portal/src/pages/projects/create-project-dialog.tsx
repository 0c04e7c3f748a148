import { useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, InputNumber, Modal, Select, Space, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { storageLimitBytes } from './storage-limit';
import { useSubmission } from '../../lib/use-submission';

interface Values {
  project_name: string;
  public: boolean;
  limited: boolean;
  limit: number;
  unit: 'MiB' | 'GiB' | 'TiB';
}

/** POST /projects: name, public or private, storage quota (-1 unlimited). */
export function CreateProjectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const { busy, error, run } = useSubmission();
  const limited = Form.useWatch('limited', form);

  const submit = async (values: Values) => {
    await run(async () => {
      await api.post(`${API}/projects`, {
        project_name: values.project_name.trim(),
        metadata: { public: String(values.public) },
        storage_limit: values.limited ? storageLimitBytes(values.limit, values.unit) : -1,
    });
    void message.success(t('projects:create.done', { name: values.project_name }));
    await client.invalidateQueries({ queryKey: ['projects'] });
    form.resetFields();
    onClose();
    });
  };

  return (
    <Modal open={open} title={t('projects:create.title')} okText={t('common:create')} cancelText={t('common:cancel')} confirmLoading={busy} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ public: false, limited: false, limit: 10, unit: 'GiB' }}>
        <Form.Item
          name="project_name"
          label={t('projects:create.name')}
          extra={t('projects:create.nameRule')}
          rules={[
            { required: true, message: t('common:required') },
            { pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, message: t('projects:create.nameRule') },
            { max: 255, message: t('projects:create.nameRule') },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="public" label={t('projects:create.public')} valuePropName="checked" extra={t('projects:create.publicHelp')}>
          <Switch />
        </Form.Item>
        <Form.Item name="limited" label={t('projects:create.quota')} valuePropName="checked">
          <Switch />
        </Form.Item>
        {limited && (
          <Space.Compact>
            <Form.Item name="limit" noStyle rules={[{ required: true, message: t('common:required') }]}>
              <InputNumber min={1} max={1024 * 1024} aria-label={t('projects:create.quotaAmount')} />
            </Form.Item>
            <Form.Item name="unit" noStyle>
              <Select aria-label={t('projects:create.quotaUnit')} style={{ width: 90 }} options={['MiB', 'GiB', 'TiB'].map((u) => ({ value: u, label: u }))} />
            </Form.Item>
          </Space.Compact>
        )}
      </Form>
    </Modal>
  );
}
