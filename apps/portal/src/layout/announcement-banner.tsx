import { useQuery } from '@tanstack/react-query';
import { Alert } from 'antd';
import { type CSSProperties, useState } from 'react';
import { API, api } from '../api/client';
import type { SystemInfo } from '../api/types';
import { bannerShowing, parseBanner } from '../lib/banner';

const ALERT_TYPE = { info: 'info', warning: 'warning', success: 'success', danger: 'error' } as const;

/**
 * The administrators' announcement (Configuration → System Settings → Banner message), on every
 * page and on the sign-in page, between its start and end dates. A closable one stays closed
 * until the page is loaded again or the message changes.
 */
export function AnnouncementBanner({ style }: { style?: CSSProperties }) {
  const { data } = useQuery({
    queryKey: ['systeminfo'],
    queryFn: () => api.get<SystemInfo>(`${API}/systeminfo`),
    refetchInterval: 30_000,
    refetchOnWindowFocus: true,
  });
  const [closed, setClosed] = useState<string | undefined>();
  const banner = parseBanner(data?.banner_message);
  if (!banner || closed === data?.banner_message || !bannerShowing(banner, new Date())) return null;
  return (
    <Alert
      type={ALERT_TYPE[banner.type]}
      banner
      showIcon
      role="status"
      title={banner.message}
      closable={banner.closable ? { onClose: () => setClosed(data?.banner_message) } : false}
      style={style}
      data-testid="announcement-banner"
    />
  );
}
