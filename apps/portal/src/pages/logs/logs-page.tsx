import { useTranslation } from 'react-i18next';
import { API } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { AuditLogTable } from './audit-log-table';

/** Logs: GET /audit-logs — everything for administrators, else the projects whose logs the user may read. */
export default function LogsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('logs:title')}>
        <p style={{ marginBlock: '8px 0' }}>{t('logs:intro')}</p>
      </PageHeader>
      <AuditLogTable path={`${API}/audit-logs`} />
    </>
  );
}
