import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { API } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { AuditLogTable } from './audit-log-table';

/**
 * Logs: the extended audit log (GET /auditlog-exts) as Harbor 2.13's console shows it, and the
 * older log (GET /audit-logs) beside it — everything for administrators, else the projects whose
 * logs the user may read.
 */
export default function LogsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('logs:title')}>
        <p style={{ marginBlock: '8px 0' }}>{t('logs:intro')}</p>
      </PageHeader>
      <AuditLogTabs extendedPath={`${API}/auditlog-exts`} legacyPath={`${API}/audit-logs`} />
    </>
  );
}

/** The two logs as tabs, the extended one first. */
export function AuditLogTabs({ extendedPath, legacyPath }: { extendedPath: string; legacyPath: string }) {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        { key: 'extended', label: t('logs:logTab.extended'), children: <AuditLogTable path={extendedPath} extended /> },
        { key: 'legacy', label: t('logs:logTab.legacy'), children: <AuditLogTable path={legacyPath} /> },
      ]}
    />
  );
}
