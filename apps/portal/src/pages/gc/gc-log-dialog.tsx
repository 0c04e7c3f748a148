import { useQuery } from '@tanstack/react-query';
import { Button, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { LogText } from '../../components/log-text';
import { PageLoading } from '../../layout/page-loading';

const ACTIVE_REFRESH_MS = 3000;

/** GET /system/gc/{id}/log as plain text, read again while the run goes on. */
export function GcLogDialog({ id, active, onClose }: { id: number | null; active: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const path = `${API}/system/gc/${id}/log`;
  const query = useQuery({
    queryKey: ['gc', 'log', id],
    queryFn: () => api.get<string>(path, { headers: { Accept: 'text/plain' } }),
    enabled: id !== null,
    refetchInterval: active ? ACTIVE_REFRESH_MS : false,
  });
  return (
    <Modal
      open={id !== null}
      title={t('gc:log.title', { id })}
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
      {query.isLoading ? (
        <PageLoading />
      ) : (
        !query.error && (
          <LogText label={t('gc:log.title', { id })} text={query.data} emptyText={t('gc:log.empty')} />
        )
      )}
    </Modal>
  );
}
