import { Checkbox, Form, InputNumber } from 'antd';
import { useTranslation } from 'react-i18next';
import { API } from '../../api/client';
import { GC_HISTORY_KEY } from './gc-history';
import { MAX_WORKERS, MIN_WORKERS, type ScheduleForm, scheduleFormOf } from './gc-schedule';
import { ScheduleCard, ScheduleEditor, type ScheduleJob, type ScheduleValues } from './schedule-editor';

interface Values extends ScheduleValues {
  delete_untagged: boolean;
  workers: number;
}

export const GC_SCHEDULE_KEY = ['gc', 'schedule'] as const;
const SCHEDULE_PATH = `${API}/system/gc/schedule`;

/** The schedule (GET/PUT /system/gc/schedule) and the buttons that run GC now, for real or dry. */
export function GcScheduleCard() {
  const { t } = useTranslation();
  return (
    <ScheduleCard title={t('gc:schedule.title')} path={SCHEDULE_PATH} queryKey={GC_SCHEDULE_KEY}>
      {(answer) => <GcScheduleEditor stored={scheduleFormOf(answer)} />}
    </ScheduleCard>
  );
}

function GcScheduleEditor({ stored }: { stored: ScheduleForm }) {
  const { t } = useTranslation();
  const job: ScheduleJob<Values> = {
    path: SCHEDULE_PATH,
    scheduleKey: GC_SCHEDULE_KEY,
    historyKey: GC_HISTORY_KEY,
    // time_window is not edited here: it is carried over from the stored schedule.
    parametersOf: (values) => ({ ...stored.parameters, delete_untagged: values.delete_untagged, workers: values.workers }),
    texts: {
      save: t('gc:schedule.save'),
      saved: t('gc:schedule.saved'),
      removed: t('gc:schedule.removed'),
      runNow: t('gc:run.now'),
      dry: t('gc:run.dry'),
      started: t('gc:run.started'),
      dryStarted: t('gc:run.dryStarted'),
      busy: t('gc:run.busy'),
      confirmTitle: t('gc:run.confirmTitle'),
      confirmText: t('gc:run.confirmText'),
    },
  };
  return (
    <ScheduleEditor<Values> job={job} stored={stored} initialParameters={{ delete_untagged: stored.parameters.delete_untagged, workers: stored.parameters.workers }}>
      <Form.Item name="delete_untagged" valuePropName="checked" extra={t('gc:deleteUntaggedHelp')}>
        <Checkbox>{t('gc:deleteUntagged')}</Checkbox>
      </Form.Item>
      <Form.Item name="workers" label={t('gc:workers')} extra={t('gc:workersHelp', { min: MIN_WORKERS, max: MAX_WORKERS })} rules={[{ required: true, message: t('common:required') }]}>
        <InputNumber min={MIN_WORKERS} max={MAX_WORKERS} precision={0} aria-label={t('gc:workers')} />
      </Form.Item>
    </ScheduleEditor>
  );
}
