import { useQuery } from '@tanstack/react-query';
import { Descriptions, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { API, api } from '../api/client';
import type { SystemInfo } from '../api/types';

export function AboutDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { data } = useQuery({ queryKey: ['systeminfo'], queryFn: () => api.get<SystemInfo>(`${API}/systeminfo`), enabled: open });
  return (
    <Modal open={open} onCancel={onClose} onOk={onClose} cancelButtonProps={{ style: { display: 'none' } }} title={t('common:about.title')}>
      <p>{t('common:about.text')}</p>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('common:about.version')}>{data?.harbor_version ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('common:about.registryUrl')}>{data?.registry_url ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('common:about.authMode')}>{data?.auth_mode ?? '—'}</Descriptions.Item>
      </Descriptions>
    </Modal>
  );
}
