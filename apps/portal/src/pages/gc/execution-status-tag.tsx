import { useTranslation } from 'react-i18next';
import { ToneTag } from '../admin/tone-tag';

/** A Clean Up job's run status (Pending, Running, Success, Error, Stopped) as a coloured tag. */
export function ExecutionStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  switch (status) {
    case 'Pending':
      return <ToneTag tone="neutral">{t('gc:status.pending')}</ToneTag>;
    case 'Running':
      return <ToneTag tone="processing">{t('gc:status.running')}</ToneTag>;
    case 'Success':
      return <ToneTag tone="success">{t('gc:status.success')}</ToneTag>;
    case 'Error':
      return <ToneTag tone="error">{t('gc:status.error')}</ToneTag>;
    case 'Stopped':
      return <ToneTag tone="warning">{t('gc:status.stopped')}</ToneTag>;
    default:
      return <ToneTag tone="neutral">{status || '—'}</ToneTag>;
  }
}
