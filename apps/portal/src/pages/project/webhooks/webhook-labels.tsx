import { Tag } from 'antd';
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

/** The status of a delivery or of one attempt at it. */
export function DeliveryStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  switch (status) {
    case 'Success':
      return <Tag color="green">{t('webhooks:status.success')}</Tag>;
    case 'Error':
      return <Tag color="red">{t('webhooks:status.error')}</Tag>;
    case 'Running':
      return <Tag color="blue">{t('webhooks:status.running')}</Tag>;
    case 'Pending':
      return <Tag color="gold">{t('webhooks:status.pending')}</Tag>;
    case 'Stopped':
      return <Tag>{t('webhooks:status.stopped')}</Tag>;
    default:
      return <Tag>{status}</Tag>;
  }
}

export function NotifyTypeName({ type }: { type: string }) {
  const { t } = useTranslation();
  if (type === 'http') return <>{t('webhooks:notify.http')}</>;
  if (type === 'slack') return <>{t('webhooks:notify.slack')}</>;
  return <>{type}</>;
}
