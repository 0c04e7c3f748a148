import { CopyOutlined } from '@ant-design/icons';
import { App, Button, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

/** Copies a text (a pull command, a secret) to the clipboard and says so. */
export function CopyButton({ text, label, size = 'small' }: { text: string; label: string; size?: 'small' | 'middle' }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      void message.success(t('common:copied'));
    } catch {
      void message.error(t('common:copyFailed'));
    }
  };
  return (
    <Tooltip title={label}>
      <Button size={size} icon={<CopyOutlined />} aria-label={label} onClick={copy} />
    </Tooltip>
  );
}
