import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage } from '../i18n';
import { LANGUAGES, type Language } from '../i18n/languages';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Select
      size="small"
      value={i18n.language}
      aria-label={t('common:language')}
      style={{ width: 110 }}
      options={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
      onChange={(v) => void changeLanguage(v as Language)}
      data-testid="language-switch"
    />
  );
}
