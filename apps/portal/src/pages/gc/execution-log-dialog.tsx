import { useQuery } from '@tanstack/react-query';
import { Button, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { LogText } from '../../components/log-text';
import { PageLoading } from '../../layout/page-loading';

const ACTIVE_REFRESH_MS = 3000;

/** A run's log (GET <base>/{id}/log) as plain text, read again while the run goes on. */
export function ExecutionLogDialog({ path, title, active, onClose }: { path: string; title: string; active: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['execution-log', path],
    queryFn: () => api.get<string>(path, { headers: { Accept: 'text/plain' } }),
    refetchInterval: active ? ACTIVE_REFRESH_MS : false,
  });
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      width={900}
      destroyOnHidden
      footer={[
        <Button key="raw" href={path} target="_blank" rel="noopener noreferrer">
          {t('gc:log.raw')}
        </Button>,
        <Button key="close" type="primary" onClick={onClose}>
          {t('common:close')}
        </Button>,
      ]}
    >
      <ErrorAlert error={query.error} />
      {query.isLoading ? <PageLoading /> : !query.error && <LogText label={title} text={query.data} emptyText={t('gc:log.empty')} />}
    </Modal>
  );
}
