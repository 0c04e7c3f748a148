import { App, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import type { CurrentUser } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { passwordMeetsRule } from './user-form-rules';
import { useSubmission } from '../../lib/use-submission';

interface Values {
  new_password: string;
  confirm: string;
}

/**
 * PUT /users/{id}/password by an administrator for someone else: no old password. It also ends
 * the user's console sessions and clears their failed logins.
 */
export function ResetPasswordDialog({ user, onClose }: { user: CurrentUser | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const { busy, error, setError, run } = useSubmission();

  const close = () => {
    setError(null);
    onClose();
  };

  const submit = async (values: Values) => {
    if (!user) return;
    await run(async () => {
      await api.put(`${API}/users/${user.user_id}/password`, { new_password: values.new_password });
      void message.success(t('users:password.done', { name: user.username }));
      form.resetFields();
      close();
    });
  };

  return (
    <Modal
      open={!!user}
      title={t('users:password.title', { name: user?.username ?? '' })}
      okText={t('common:save')}
      cancelText={t('common:cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={close}
      destroyOnHidden
    >
      <p>{t('users:password.text')}</p>
      <ErrorAlert error={error} title={t('users:password.refused')} />
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="new_password"
          label={t('common:password.new')}
          extra={t('common:password.rule')}
          rules={[
            { required: true, message: t('common:required') },
            { validator: (_, v: string | undefined) => (!v || passwordMeetsRule(v) ? Promise.resolve() : Promise.reject(new Error(t('common:password.rule')))) },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('common:password.confirm')}
          dependencies={['new_password']}
          rules={[
            { required: true, message: t('common:required') },
            ({ getFieldValue }) => ({ validator: (_, v) => (!v || v === getFieldValue('new_password') ? Promise.resolve() : Promise.reject(new Error(t('common:password.mismatch')))) }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
