import { Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageLoading } from '../layout/page-loading';
import { useSession } from './session';

/**
 * Pages behind it are for system administrators. Others get a plain "not allowed" in the frame
 * (not a redirect, so a bookmarked address explains itself). The
 * API refuses these calls anyway: this only spares the user a page of errors.
 */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { user } = useSession();
  if (user === undefined) return <PageLoading />;
  if (!user?.sysadmin_flag) {
    return (
      <Result
        status="403"
        title={<h1 style={{ fontSize: 22, margin: 0 }}>{t('access:adminOnly.title')}</h1>}
        subTitle={t('access:adminOnly.text')}
        extra={<Link to="/harbor/projects">{t('access:adminOnly.back')}</Link>}
      />
    );
  }
  return <>{children}</>;
}
