import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/page-header';
import { AdminOnly } from '../admin/admin-only';
import { GcHistory } from './gc-history';
import { GcScheduleCard } from './gc-schedule-card';

/** Administration → Clean Up: garbage collection's schedule, runs and logs. */
export default function GcPage() {
  const { t } = useTranslation();
  return (
    <AdminOnly reason={t('gc:adminOnly')}>
      <PageHeader title={t('gc:title')}>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('gc:intro')}
        </Typography.Paragraph>
      </PageHeader>
      <GcScheduleCard />
      <GcHistory />
    </AdminOnly>
  );
}
