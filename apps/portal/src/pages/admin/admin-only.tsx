import { Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session';
import { PageLoading } from '../../layout/page-loading';

/**
 * System administrators' pages: others see why they cannot use it (the API would refuse every
 * call anyway). `reason` is the page's own sentence.
 */
export function AdminOnly({ reason, children }: { reason: string; children: ReactNode }) {
  const { t } = useTranslation();
  const { user } = useSession();
  if (user === undefined) return <PageLoading />;
  if (!user?.sysadmin_flag) return <Result status="403" title={t('common:error.forbidden')} subTitle={reason} />;
  return <>{children}</>;
}
