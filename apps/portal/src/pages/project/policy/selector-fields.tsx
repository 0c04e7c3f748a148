import { Form, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';

interface SelectorTexts {
  label: string;
  help: string;
  decorationLabel: string;
  patternLabel: string;
}

/** One selector of a rule dialog: matching or excluding (two decorations), and the pattern. */
function SelectorFields({ texts, decorationName, patternName, decorations }: { texts: SelectorTexts; decorationName: string; patternName: string; decorations: [string, string] }) {
  const { t } = useTranslation();
  return (
    <Form.Item label={texts.label} extra={texts.help} required>
      <Space.Compact style={{ width: '100%' }}>
        <Form.Item name={decorationName} noStyle>
          <Select
            aria-label={texts.decorationLabel}
            style={{ width: 140 }}
            options={[
              { value: decorations[0], label: t('retention:dialog.matching') },
              { value: decorations[1], label: t('retention:dialog.excluding') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name={patternName}
          noStyle
          rules={[
            { required: true, whitespace: true, message: t('retention:dialog.patternRequired') },
            { max: 1024, message: t('retention:dialog.patternTooLong') },
          ]}
        >
          <Input aria-label={texts.patternLabel} placeholder="**" autoComplete="off" />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}

/** The repository selector of a rule dialog. */
export function RepositorySelectorFields() {
  const { t } = useTranslation();
  const texts = {
    label: t('retention:dialog.repositories'),
    help: t('retention:dialog.repositoryHelp'),
    decorationLabel: t('retention:dialog.repositoryDecoration'),
    patternLabel: t('retention:dialog.repositoryPattern'),
  };
  return <SelectorFields texts={texts} decorationName="repoDecoration" patternName="repoPattern" decorations={['repoMatches', 'repoExcludes']} />;
}

/** The tag selector of a rule dialog. */
export function TagSelectorFields() {
  const { t } = useTranslation();
  const texts = {
    label: t('retention:dialog.tags'),
    help: t('retention:dialog.tagHelp'),
    decorationLabel: t('retention:dialog.tagDecoration'),
    patternLabel: t('retention:dialog.tagPattern'),
  };
  return <SelectorFields texts={texts} decorationName="tagDecoration" patternName="tagPattern" decorations={['matches', 'excludes']} />;
}
