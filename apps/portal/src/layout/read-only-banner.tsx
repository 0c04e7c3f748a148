import { useQuery } from '@tanstack/react-query';
import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { API, api } from '../api/client';
import type { SystemInfo } from '../api/types';

/**
 * Harbor's read-only banner: shown on every page while the installation refuses changes. The
 * switch is read from GET /systeminfo (the query other pages share), asked again every half
 * minute and at once after the configuration is saved here.
 */
export function ReadOnlyBanner() {
  const { t } = useTranslation();
  const { data } = useQuery({
    queryKey: ['systeminfo'],
    queryFn: () => api.get<SystemInfo>(`${API}/systeminfo`),
    refetchInterval: 30_000,
    refetchOnWindowFocus: true,
  });
  if (!data?.read_only) return null;
  return <Alert type="warning" banner showIcon role="status" title={t('common:readOnlyBanner')} data-testid="read-only-banner" />;
}
