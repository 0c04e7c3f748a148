import { App, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { API, api } from '../api/client';
import { useSession } from '../auth/session';
import { ErrorAlert } from '../components/error-alert';
import { useSubmission } from '../lib/use-submission';

interface Values {
  old_password: string;
  new_password: string;
  confirm: string;
}

/** PUT /users/{id}/password with the old password, as Harbor's user menu does. */
export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const [form] = Form.useForm<Values>();
  const { busy, error, run } = useSubmission();

  const submit = async (values: Values) => {
    if (!user) return;
    await run(async () => {
      await api.put(`${API}/users/${user.user_id}/password`, { old_password: values.old_password, new_password: values.new_password });
      void message.success(t('common:password.changed'));
      form.resetFields();
      onClose();
    });
  };

  return (
    <Modal open={open} title={t('common:password.title')} okText={t('common:save')} cancelText={t('common:cancel')} confirmLoading={busy} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="old_password" label={t('common:password.current')} rules={[{ required: true, message: t('common:required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="new_password" label={t('common:password.new')} extra={t('common:password.rule')} rules={[{ required: true, message: t('common:required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('common:password.confirm')}
          dependencies={['new_password']}
          rules={[
            { required: true, message: t('common:required') },
            ({ getFieldValue }) => ({ validator: (_, v) => (v === getFieldValue('new_password') ? Promise.resolve() : Promise.reject(new Error(t('common:password.mismatch')))) }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
