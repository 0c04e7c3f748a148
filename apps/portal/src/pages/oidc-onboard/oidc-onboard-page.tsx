import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { request } from '../../api/client';
import { CURRENT_USER_KEY, currentUser } from '../../auth/session';
import { errorMessage } from '../../components/error-alert';
import { LanguageSwitch } from '../../layout/language-switch';
import { useSubmission } from '../../lib/use-submission';
import { safeRedirect } from '../sign-in/safe-redirect';

/**
 * Harbor's /oidc-onboard (here /harbor/oidc-onboard): a user the OIDC provider signed in, new to the registry, picks a user
 * name (the provider's proposal filled in); POST /c/oidc/onboard creates the account and starts
 * the session.
 */
export default function OidcOnboardPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { busy, error, run } = useSubmission();
  const target = safeRedirect(params.get('redirect_url'));

  const submit = ({ username }: { username: string }) =>
    run(async () => {
      await request('POST', '/c/oidc/onboard', { body: { username: username.trim() }, quiet401: true });
      client.setQueryData(CURRENT_USER_KEY, await currentUser());
      void navigate(target, { replace: true });
    });

  return (
    <Flex justify="center" align="center" style={{ minHeight: '100vh', background: '#f0f2f5' }}>
      <main>
        <Card style={{ width: 420 }}>
          <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
            <Typography.Title level={1} style={{ margin: 0, fontSize: 22 }}>
              {t('onboard:title')}
            </Typography.Title>
            <LanguageSwitch />
          </Flex>
          <Typography.Paragraph>{t('onboard:intro')}</Typography.Paragraph>
          {error !== null && <Alert type="error" showIcon role="alert" title={`${t('onboard:refused')} ${errorMessage(error)}`} style={{ marginBottom: 16 }} />}
          <Form layout="vertical" onFinish={submit} initialValues={{ username: params.get('username') ?? '' }} requiredMark={false}>
            <Form.Item name="username" label={t('onboard:username')} rules={[{ required: true, whitespace: true, message: t('common:required') }]}>
              <Input autoComplete="username" autoFocus maxLength={255} />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('onboard:submit')}
            </Button>
          </Form>
        </Card>
      </main>
    </Flex>
  );
}
