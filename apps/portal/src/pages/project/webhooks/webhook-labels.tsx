import { Badge } from 'antd';
import { useTranslation } from 'react-i18next';

/** An event type in the reader's language; a type this console does not know keeps its API name. */
export function useEventTypeLabel(): (type: string) => string {
  const { t } = useTranslation();
  return (type: string) => {
    switch (type) {
      case 'PUSH_ARTIFACT':
        return t('webhooks:event.PUSH_ARTIFACT');
      case 'PULL_ARTIFACT':
        return t('webhooks:event.PULL_ARTIFACT');
      case 'DELETE_ARTIFACT':
        return t('webhooks:event.DELETE_ARTIFACT');
      case 'QUOTA_EXCEED':
        return t('webhooks:event.QUOTA_EXCEED');
      case 'QUOTA_WARNING':
        return t('webhooks:event.QUOTA_WARNING');
      case 'TAG_RETENTION':
        return t('webhooks:event.TAG_RETENTION');
      case 'SCANNING_COMPLETED':
        return t('webhooks:event.SCANNING_COMPLETED');
      case 'SCANNING_FAILED':
        return t('webhooks:event.SCANNING_FAILED');
      case 'SCANNING_STOPPED':
        return t('webhooks:event.SCANNING_STOPPED');
      case 'REPLICATION':
        return t('webhooks:event.REPLICATION');
      default:
        return type;
    }
  };
}

/** The status of a delivery or of one attempt at it: a coloured dot beside text of the page's own colour. */
export function DeliveryStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  switch (status) {
    case 'Success':
      return <Badge status="success" text={t('webhooks:status.success')} />;
    case 'Error':
      return <Badge status="error" text={t('webhooks:status.error')} />;
    case 'Running':
      return <Badge status="processing" text={t('webhooks:status.running')} />;
    case 'Pending':
      return <Badge status="warning" text={t('webhooks:status.pending')} />;
    case 'Stopped':
      return <Badge status="default" text={t('webhooks:status.stopped')} />;
    default:
      return <Badge status="default" text={status} />;
  }
}

export function NotifyTypeName({ type }: { type: string }) {
  const { t } = useTranslation();
  if (type === 'http') return <>{t('webhooks:notify.http')}</>;
  if (type === 'slack') return <>{t('webhooks:notify.slack')}</>;
  return <>{type}</>;
}
