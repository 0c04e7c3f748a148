import { useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { COMMENT_MAX, passwordMeetsRule, realnameAllowed, usernameAllowed } from './user-form-rules';
import { useSubmission } from '../../lib/use-submission';

interface Values {
  username: string;
  email: string;
  realname: string;
  password: string;
  confirm: string;
  comment?: string;
}

/** POST /users: a local account (the API refuses it unless the authentication mode is the database). */
export function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const { busy, error, setError, run } = useSubmission();

  const close = () => {
    setError(null);
    onClose();
  };

  const submit = async (values: Values) => {
    await run(async () => {
      await api.post(`${API}/users`, {
        username: values.username,
        email: values.email.trim(),
        realname: values.realname.trim(),
        password: values.password,
        comment: values.comment?.trim() || undefined,
    });
    void message.success(t('users:create.done', { name: values.username }));
    await client.invalidateQueries({ queryKey: ['users'] });
    form.resetFields();
    close();
    });
  };

  const check = (ok: (v: string) => boolean, text: string) => ({ validator: (_: unknown, v: string | undefined) => (!v || ok(v) ? Promise.resolve() : Promise.reject(new Error(text))) });

  return (
    <Modal open={open} title={t('users:create.title')} okText={t('common:create')} cancelText={t('common:cancel')} confirmLoading={busy} onOk={() => form.submit()} onCancel={close} destroyOnHidden>
      <ErrorAlert error={error} title={t('users:create.refused')} />
      <Form form={form} layout="vertical" onFinish={submit} autoComplete="off">
        <Form.Item
          name="username"
          label={t('users:field.username')}
          extra={t('users:create.usernameRule')}
          rules={[{ required: true, message: t('common:required') }, check(usernameAllowed, t('users:create.usernameRule'))]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('users:field.email')}
          rules={[
            { required: true, message: t('common:required') },
            { type: 'email', message: t('users:create.emailRule') },
          ]}
        >
          <Input type="email" autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="realname"
          label={t('users:field.realname')}
          rules={[{ required: true, message: t('common:required') }, check(realnameAllowed, t('users:create.realnameRule'))]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('users:field.password')}
          extra={t('common:password.rule')}
          rules={[{ required: true, message: t('common:required') }, check(passwordMeetsRule, t('common:password.rule'))]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('users:field.confirm')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('common:required') },
            ({ getFieldValue }) => ({ validator: (_, v) => (!v || v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('common:password.mismatch')))) }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="comment" label={t('users:field.comment')} rules={[{ max: COMMENT_MAX, message: t('users:create.commentRule', { max: COMMENT_MAX }) }]}>
          <Input maxLength={COMMENT_MAX} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
