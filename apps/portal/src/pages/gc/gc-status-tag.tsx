import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

/** An execution's status (Pending, Running, Success, Error, Stopped) as a coloured tag. */
export function GcStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  switch (status) {
    case 'Pending':
      return <Tag color="default">{t('gc:status.pending')}</Tag>;
    case 'Running':
      return <Tag color="processing">{t('gc:status.running')}</Tag>;
    case 'Success':
      return <Tag color="success">{t('gc:status.success')}</Tag>;
    case 'Error':
      return <Tag color="error">{t('gc:status.error')}</Tag>;
    case 'Stopped':
      return <Tag color="warning">{t('gc:status.stopped')}</Tag>;
    default:
      return <Tag>{status || '—'}</Tag>;
  }
}
