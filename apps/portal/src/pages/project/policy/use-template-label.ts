import { useTranslation } from 'react-i18next';
import type { RetentionTemplateMetadata } from './policy-types';

/** A template's name in the reader's language; a template this console does not know shows the server's text. */
export function useTemplateLabel(): (m: RetentionTemplateMetadata) => string {
  const { t } = useTranslation();
  return (m) => {
    switch (m.rule_template) {
      case 'latestPushedK':
        return t('retention:template.latestPushedK');
      case 'latestPulledN':
        return t('retention:template.latestPulledN');
      case 'nDaysSinceLastPush':
        return t('retention:template.nDaysSinceLastPush');
      case 'nDaysSinceLastPull':
        return t('retention:template.nDaysSinceLastPull');
      case 'always':
        return t('retention:template.always');
      default:
        return m.display_text;
    }
  };
}
