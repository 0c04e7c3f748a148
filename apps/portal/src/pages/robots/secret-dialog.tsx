import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Modal, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../components/copy-button';
import { secretFile } from './robot-model';

export interface ShownSecret {
  name: string;
  secret: string;
  /** `created` after POST /robots, `refreshed` after PATCH. */
  reason: 'created' | 'refreshed';
}

/**
 * The robot's secret, shown once: the API never returns it again and the console keeps it only
 * in this dialog's props (no storage); closing the dialog drops it.
 */
export function SecretDialog({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  const { t } = useTranslation();
  const download = () => {
    if (!shown) return;
    const file = secretFile(shown.name, shown.secret);
    const url = URL.createObjectURL(new Blob([file.json], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = file.filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  };
  return (
    <Modal
      open={!!shown}
      title={shown?.reason === 'refreshed' ? t('robots:secret.refreshedTitle') : t('robots:secret.createdTitle')}
      onCancel={onClose}
      mask={{ closable: false }}
      destroyOnHidden
      footer={[
        <Button key="download" icon={<DownloadOutlined />} onClick={download}>
          {t('robots:secret.download')}
        </Button>,
        <Button key="close" type="primary" onClick={onClose}>
          {t('common:close')}
        </Button>,
      ]}
    >
      {shown && (
        <>
          <Alert type="warning" showIcon title={t('robots:secret.once')} style={{ marginBottom: 16 }} />
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t('robots:secret.name')}>
              <Space>
                <Typography.Text code data-testid="robot-name">
                  {shown.name}
                </Typography.Text>
                <CopyButton text={shown.name} label={t('robots:secret.copyName')} />
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('robots:secret.secret')}>
              <Space>
                <Typography.Text code data-testid="robot-secret" style={{ wordBreak: 'break-all' }}>
                  {shown.secret}
                </Typography.Text>
                <CopyButton text={shown.secret} label={t('robots:secret.copySecret')} />
              </Space>
            </Descriptions.Item>
          </Descriptions>
        </>
      )}
    </Modal>
  );
}
