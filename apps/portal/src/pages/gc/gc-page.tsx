import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/page-header';
import { GcHistory } from './gc-history';
import { GcScheduleCard } from './gc-schedule-card';

/** Administration → Clean Up: garbage collection's schedule, runs and logs. */
export default function GcPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('gc:title')}>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('gc:intro')}
        </Typography.Paragraph>
      </PageHeader>
      <GcScheduleCard />
      <GcHistory />
    </>
  );
}
