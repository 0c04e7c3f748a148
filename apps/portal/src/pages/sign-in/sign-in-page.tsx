import { LoginOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Divider, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';
import { API, ApiError, api } from '../../api/client';
import type { SystemInfo } from '../../api/types';
import { useSession } from '../../auth/session';
import { errorMessage } from '../../components/error-alert';
import { AnnouncementBanner } from '../../layout/announcement-banner';
import { LanguageSwitch } from '../../layout/language-switch';
import { oidcLoginUrl, safeRedirect } from './safe-redirect';

/**
 * Harbor's /c/login form. A refusal shows the server's reason (wrong password, locked out, ...).
 * In auth_mode oidc_auth the provider's button comes first; the form stays for local accounts
 * (admin).
 */
export default function SignInPage() {
  const { t } = useTranslation();
  const { user, login } = useSession();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const target = safeRedirect(params.get('redirect_url'));
  const { data: info } = useQuery({ queryKey: ['systeminfo'], queryFn: () => api.get<SystemInfo>(`${API}/systeminfo`), staleTime: 60_000 });
  const oidc = info?.auth_mode === 'oidc_auth';
  // Harbor's primary auth mode: the provider's button alone, the local form one click away (admin).
  const primary = oidc && info?.primary_auth_mode === true;
  const [showLocal, setShowLocal] = useState(false);

  if (user) return <Navigate to={target} replace />;

  const submit = async ({ principal, password }: { principal: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(principal.trim(), password);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? `${t('sign-in:refused')} ${errorMessage(err)}` : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex justify="center" align="center" style={{ minHeight: '100vh', background: '#f0f2f5' }}>
      <main>
        <AnnouncementBanner style={{ width: 380, marginBottom: 16 }} />
        <Card style={{ width: 380 }}>
          <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
            <Flex align="center" gap={8}>
              <img src="/favicon.svg" alt="" width={32} height={32} />
              <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
                Wharf
              </Typography.Title>
            </Flex>
            <LanguageSwitch />
          </Flex>
          {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} data-testid="sign-in-error" />}
          {oidc && (
            <>
              <Button type="primary" block icon={<LoginOutlined />} href={oidcLoginUrl(target)} data-testid="oidc-login">
                {info?.oidc_provider_name ? t('sign-in:viaOidcNamed', { name: info.oidc_provider_name }) : t('sign-in:viaOidc')}
              </Button>
              {!primary && <Divider plain>{t('sign-in:orLocal')}</Divider>}
            </>
          )}
          {primary && !showLocal ? (
            <Button type="link" block onClick={() => setShowLocal(true)} data-testid="local-login">
              {t('sign-in:localLogin')}
            </Button>
          ) : (
            <Form layout="vertical" onFinish={submit} requiredMark={false}>
              <Form.Item name="principal" label={t('sign-in:username')} rules={[{ required: true, message: t('common:required') }]}>
                <Input autoComplete="username" autoFocus />
              </Form.Item>
              <Form.Item name="password" label={t('sign-in:password')} rules={[{ required: true, message: t('common:required') }]}>
                <Input.Password autoComplete="current-password" />
              </Form.Item>
              <Button type={oidc ? 'default' : 'primary'} htmlType="submit" block loading={busy}>
                {t('sign-in:submit')}
              </Button>
            </Form>
          )}
        </Card>
      </main>
    </Flex>
  );
}
