import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

/** Public or private, as a tag whose text keeps a 4.5:1 contrast (antd's green preset does not). */
export function AccessTag({ metadata }: { metadata: Record<string, string> | undefined }) {
  const { t } = useTranslation();
  return metadata?.public === 'true' ? (
    <Tag color="green" style={{ color: '#135200' }}>
      {t('projects:public')}
    </Tag>
  ) : (
    <Tag>{t('projects:private')}</Tag>
  );
}
