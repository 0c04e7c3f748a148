import { EyeInvisibleOutlined, EyeOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Flex, Form, Input, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../api/client';
import { CURRENT_USER_KEY, currentUser, useSession } from '../auth/session';
import { CopyButton } from '../components/copy-button';
import { ErrorAlert } from '../components/error-alert';
import { useSubmission } from '../lib/use-submission';

/**
 * The user menu's profile: name and e-mail, and for OIDC users their CLI secret (docker login's
 * password): shown on request, copied, regenerated or replaced by one of their own with
 * PUT /users/{id}/cli_secret, as Harbor's profile does.
 */
export function UserProfileDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { user } = useSession();
  const client = useQueryClient();
  const [shown, setShown] = useState(false);
  const [form] = Form.useForm<{ secret: string }>();
  const { busy, error, run } = useSubmission();
  const meta = user?.oidc_user_meta;

  const setSecret = (secret: string, done: string) =>
    run(async () => {
      if (!user) return;
      await api.put(`${API}/users/${user.user_id}/cli_secret`, { secret });
      client.setQueryData(CURRENT_USER_KEY, await currentUser());
      form.resetFields();
      void message.success(done);
    });

  const regenerate = () =>
    modal.confirm({
      title: t('common:profile.regenerate'),
      content: t('common:profile.regenerateConfirm'),
      okText: t('common:profile.regenerate'),
      cancelText: t('common:cancel'),
      onOk: () => setSecret('', t('common:profile.regenerated')),
    });

  return (
    <Modal open={open} title={t('common:profile.title')} footer={null} onCancel={onClose} destroyOnHidden width={560}>
      <ErrorAlert error={error} />
      <Descriptions column={1} bordered size="small" style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('common:profile.username')}>{user?.username}</Descriptions.Item>
        <Descriptions.Item label={t('common:profile.email')}>{user?.email}</Descriptions.Item>
        {meta && (
          <Descriptions.Item label={t('common:profile.cliSecret')}>
            <Flex vertical gap={4}>
              <Space>
                <Typography.Text code data-testid="cli-secret">
                  {shown ? meta.secret : '•'.repeat(12)}
                </Typography.Text>
                <Button
                  size="small"
                  icon={shown ? <EyeInvisibleOutlined /> : <EyeOutlined />}
                  aria-label={shown ? t('common:profile.hide') : t('common:profile.show')}
                  onClick={() => setShown(!shown)}
                />
                <CopyButton text={meta.secret} label={t('common:profile.cliSecret')} />
                <Button size="small" icon={<ReloadOutlined />} onClick={regenerate} loading={busy}>
                  {t('common:profile.regenerate')}
                </Button>
              </Space>
              <Typography.Text type="secondary">{t('common:profile.cliSecretHelp')}</Typography.Text>
            </Flex>
          </Descriptions.Item>
        )}
      </Descriptions>
      {meta && (
        <Form form={form} layout="vertical" onFinish={({ secret }) => void setSecret(secret, t('common:profile.secretSaved'))}>
          <Typography.Title level={2} style={{ fontSize: 14 }}>
            {t('common:profile.setSecret')}
          </Typography.Title>
          <Form.Item name="secret" label={t('common:profile.newSecret')} extra={t('common:password.rule')} rules={[{ required: true, message: t('common:required') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button htmlType="submit" loading={busy}>
            {t('common:profile.saveSecret')}
          </Button>
        </Form>
      )}
    </Modal>
  );
}
