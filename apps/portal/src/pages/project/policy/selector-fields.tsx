import { Form, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';

const PATTERN_RULES = (required: string, tooLong: string) => [
  { required: true, whitespace: true, message: required },
  { max: 1024, message: tooLong },
];

/** The repository selector of a rule dialog: matching or excluding, and the pattern. */
export function RepositorySelectorFields() {
  const { t } = useTranslation();
  return (
    <Form.Item label={t('retention:dialog.repositories')} extra={t('retention:dialog.repositoryHelp')} required>
      <Space.Compact style={{ width: '100%' }}>
        <Form.Item name="repoDecoration" noStyle>
          <Select
            aria-label={t('retention:dialog.repositoryDecoration')}
            style={{ width: 140 }}
            options={[
              { value: 'repoMatches', label: t('retention:dialog.matching') },
              { value: 'repoExcludes', label: t('retention:dialog.excluding') },
            ]}
          />
        </Form.Item>
        <Form.Item name="repoPattern" noStyle rules={PATTERN_RULES(t('retention:dialog.patternRequired'), t('retention:dialog.patternTooLong'))}>
          <Input aria-label={t('retention:dialog.repositoryPattern')} placeholder="**" autoComplete="off" />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}

/** The tag selector of a rule dialog. */
export function TagSelectorFields() {
  const { t } = useTranslation();
  return (
    <Form.Item label={t('retention:dialog.tags')} extra={t('retention:dialog.tagHelp')} required>
      <Space.Compact style={{ width: '100%' }}>
        <Form.Item name="tagDecoration" noStyle>
          <Select
            aria-label={t('retention:dialog.tagDecoration')}
            style={{ width: 140 }}
            options={[
              { value: 'matches', label: t('retention:dialog.matching') },
              { value: 'excludes', label: t('retention:dialog.excluding') },
            ]}
          />
        </Form.Item>
        <Form.Item name="tagPattern" noStyle rules={PATTERN_RULES(t('retention:dialog.patternRequired'), t('retention:dialog.patternTooLong'))}>
          <Input aria-label={t('retention:dialog.tagPattern')} placeholder="**" autoComplete="off" />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}
