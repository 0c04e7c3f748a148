import { Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { GcHistory } from './gc-history';
import { GcScheduleCard } from './gc-schedule-card';
import { PurgeHistory } from './purge-history';
import { PurgeScheduleCard } from './purge-schedule-card';

/** The tabs' path segments, as Harbor's portal names them. */
const GC_TAB = 'gc';
const PURGE_TAB = 'audit-log-purge';

/** Administration → Clean Up: garbage collection, and the audit log purge (Log Rotation); each with its schedule, runs and logs. */
export default function GcPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { tab } = useParams();
  const active = tab === PURGE_TAB ? PURGE_TAB : GC_TAB;
  return (
    <>
      <PageHeader title={t('gc:title')} />
      <Tabs
        activeKey={active}
        onChange={(key) => void navigate(`/harbor/clearing-job/${key}`)}
        destroyOnHidden
        items={[
          {
            key: GC_TAB,
            label: t('gc:tab'),
            children: (
              <>
                <Typography.Paragraph type="secondary">{t('gc:intro')}</Typography.Paragraph>
                <GcScheduleCard />
                <GcHistory />
              </>
            ),
          },
          {
            key: PURGE_TAB,
            label: t('purge:tab'),
            children: (
              <>
                <Typography.Paragraph type="secondary">{t('purge:intro')}</Typography.Paragraph>
                <PurgeScheduleCard />
                <PurgeHistory />
              </>
            ),
          },
        ]}
      />
    </>
  );
}
