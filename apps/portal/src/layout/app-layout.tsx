import { DownOutlined, GlobalOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Dropdown, Layout, Menu, Space, Typography } from 'antd';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useSession } from '../auth/session';
import { changeLanguage } from '../i18n';
import { LANGUAGES, type Language } from '../i18n/languages';
import { PageLoading } from './page-loading';
import { AnnouncementBanner } from './announcement-banner';
import { ReadOnlyBanner } from './read-only-banner';

// Opened from the user menu: loaded when first opened, not with every page.
const AboutDialog = lazy(() => import('./about-dialog').then((m) => ({ default: m.AboutDialog })));
const ChangePasswordDialog = lazy(() => import('./change-password-dialog').then((m) => ({ default: m.ChangePasswordDialog })));
const UserProfileDialog = lazy(() => import('./user-profile-dialog').then((m) => ({ default: m.UserProfileDialog })));

/** The console's frame: the header with language and user menus, the navigation, the page. */
export function AppLayout() {
  const { t, i18n } = useTranslation();
  const { user, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [dialog, setDialog] = useState<'profile' | 'password' | 'about' | null>(null);
  const [languageOpen, setLanguageOpen] = useState(false);

  const admin = !!user?.sysadmin_flag;
  const items: { key: string; label: ReactNode; children?: { key: string; label: ReactNode }[] }[] = [
    { key: '/harbor/projects', label: <Link to="/harbor/projects">{t('common:nav.projects')}</Link> },
    { key: '/harbor/logs', label: <Link to="/harbor/logs">{t('common:nav.logs')}</Link> },
  ];
  if (admin) {
    items.push({
      key: 'admin',
      label: t('common:nav.administration'),
      children: [
        { key: '/harbor/users', label: <Link to="/harbor/users">{t('common:nav.users')}</Link> },
        { key: '/harbor/groups', label: <Link to="/harbor/groups">{t('common:nav.groups')}</Link> },
        { key: '/harbor/robot-accounts', label: <Link to="/harbor/robot-accounts">{t('common:nav.robots')}</Link> },
        { key: '/harbor/labels', label: <Link to="/harbor/labels">{t('common:nav.labels')}</Link> },
        { key: '/harbor/clearing-job', label: <Link to="/harbor/clearing-job">{t('common:nav.gc')}</Link> },
        { key: '/harbor/job-service-dashboard', label: <Link to="/harbor/job-service-dashboard">{t('common:nav.jobService')}</Link> },
        { key: '/harbor/configs', label: <Link to="/harbor/configs">{t('common:nav.configuration')}</Link> },
        { key: '/harbor/system-info', label: <Link to="/harbor/system-info">{t('common:nav.systemInfo')}</Link> },
      ],
    });
  }
  const selected = [...items, ...items.flatMap((i) => i.children ?? [])].map((i) => i.key).filter((k) => k.startsWith('/') && location.pathname.startsWith(k));

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 24 }}>
        <Link to="/harbor/projects" style={{ display: 'flex', alignItems: 'center', gap: 8 }} aria-label={t('common:home')}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <Typography.Text style={{ color: '#fff', fontSize: 18, fontWeight: 600 }}>Wharf</Typography.Text>
        </Link>
        <div style={{ flex: 1 }} />
        {/* Opened by a click and closed by the choice: a menu opened by hovering stayed open after a
            choice while the pointer rested on it, as the page re-rendered in the new language. */}
        <Dropdown
          trigger={['click']}
          open={languageOpen}
          onOpenChange={setLanguageOpen}
          menu={{
            selectable: true,
            selectedKeys: [i18n.language],
            items: LANGUAGES.map((l) => ({ key: l.code, label: <span lang={l.code}>{l.label}</span> })),
            onClick: ({ key }) => {
              setLanguageOpen(false);
              void changeLanguage(key as Language);
            },
          }}
        >
          <Button type="text" style={{ color: '#fff' }} icon={<GlobalOutlined />} title={t('common:language')} data-testid="language-menu">
            {LANGUAGES.find((l) => l.code === i18n.language)?.label} <DownOutlined />
          </Button>
        </Dropdown>
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'profile', label: t('common:user.profile') },
              // OIDC users have no password here: their provider keeps it.
              ...(user?.oidc_user_meta ? [] : [{ key: 'password', label: t('common:user.changePassword') }]),
              { key: 'about', label: t('common:user.about') },
              { type: 'divider' },
              { key: 'logout', label: t('common:user.logout') },
            ],
            onClick: ({ key }) => {
              // OIDC users log out through core, which may send them on to end the provider's session.
              if (key === 'logout' && user?.oidc_user_meta) window.location.assign('/c/oidc/logout');
              else if (key === 'logout') void logout().then(() => navigate('/harbor/sign-in'));
              else setDialog(key as 'profile' | 'password' | 'about');
            },
          }}
        >
          <Button type="text" style={{ color: '#fff' }} icon={<UserOutlined />} data-testid="user-menu">
            <Space>
              {user?.username}
              <DownOutlined />
            </Space>
          </Button>
        </Dropdown>
      </Layout.Header>
      <ReadOnlyBanner />
      <AnnouncementBanner />
      <Layout>
        <Layout.Sider width={220} theme="light" breakpoint="lg" collapsedWidth={0}>
          <nav aria-label={t('common:nav.label')}>
            <Menu mode="inline" selectedKeys={selected} defaultOpenKeys={['admin']} items={items} style={{ borderInlineEnd: 0 }} />
          </nav>
        </Layout.Sider>
        <Layout.Content style={{ padding: 24 }}>
          <main>
            <Suspense fallback={<PageLoading />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
      <Suspense fallback={null}>
        {dialog === 'profile' && <UserProfileDialog open onClose={() => setDialog(null)} />}
        {dialog === 'password' && <ChangePasswordDialog open onClose={() => setDialog(null)} />}
        {dialog === 'about' && <AboutDialog open onClose={() => setDialog(null)} />}
      </Suspense>
    </Layout>
  );
}
