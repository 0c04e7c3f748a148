import { CopyOutlined } from '@ant-design/icons';
import { App, Button, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

/** Copies a text to the clipboard and says whether it worked. */
export function useCopy() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      void message.success(t('common:copied'));
    } catch {
      void message.error(t('common:copyFailed'));
    }
  };
}

/** Copies a text (a pull command, a secret) to the clipboard and says so. */
export function CopyButton({ text, label, size = 'small' }: { text: string; label: string; size?: 'small' | 'middle' }) {
  const copy = useCopy();
  return (
    <Tooltip title={label}>
      <Button size={size} icon={<CopyOutlined />} aria-label={label} onClick={() => void copy(text)} />
    </Tooltip>
  );
}
