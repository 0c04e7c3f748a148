import { Checkbox, Form, InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { API } from '../../api/client';
import type { ScheduleForm } from './gc-schedule';
import { PURGE_HISTORY_KEY } from './purge-history';
import {
  eventTypesOf,
  eventTypesText,
  hoursOfRetention,
  maxRetention,
  type PurgeEventType,
  type PurgeParameters,
  purgeScheduleFormOf,
  type RetentionUnit,
  retentionOfHours,
} from './purge-schedule';
import { ScheduleCard, ScheduleEditor, type ScheduleJob, type ScheduleValues } from './schedule-editor';

interface Values extends ScheduleValues {
  retention_amount: number;
  retention_unit: RetentionUnit;
  event_types: string[];
}

export const PURGE_SCHEDULE_KEY = ['purgeaudit', 'schedule'] as const;
const SCHEDULE_PATH = `${API}/system/purgeaudit/schedule`;

/** The audit log purge's schedule (GET/PUT /system/purgeaudit/schedule) and the buttons that purge now, for real or dry. */
export function PurgeScheduleCard() {
  const { t } = useTranslation();
  return (
    <ScheduleCard title={t('purge:schedule.title')} path={SCHEDULE_PATH} queryKey={PURGE_SCHEDULE_KEY}>
      {(answer) => <PurgeScheduleEditor stored={purgeScheduleFormOf(answer)} />}
    </ScheduleCard>
  );
}

function PurgeScheduleEditor({ stored }: { stored: ScheduleForm<PurgeParameters> }) {
  const { t } = useTranslation();
  const retention = retentionOfHours(stored.parameters.audit_retention_hour);
  const job: ScheduleJob<Values> = {
    path: SCHEDULE_PATH,
    scheduleKey: PURGE_SCHEDULE_KEY,
    historyKey: PURGE_HISTORY_KEY,
    parametersWithNone: true,
    parametersOf: (values) => ({
      audit_retention_hour: hoursOfRetention({ amount: values.retention_amount, unit: values.retention_unit }),
      include_event_types: eventTypesText(values.event_types ?? []),
    }),
    texts: {
      save: t('gc:schedule.save'),
      saved: t('gc:schedule.saved'),
      removed: t('gc:schedule.removed'),
      runNow: t('purge:run.now'),
      dry: t('gc:run.dry'),
      started: t('purge:run.started'),
      dryStarted: t('gc:run.dryStarted'),
      busy: t('purge:run.busy'),
      confirmTitle: t('purge:run.confirmTitle'),
      confirmText: t('purge:run.confirmText'),
    },
  };
  return (
    <ScheduleEditor<Values>
      job={job}
      stored={stored}
      initialParameters={{ retention_amount: retention.amount, retention_unit: retention.unit, event_types: eventTypesOf(stored.parameters.include_event_types) }}
    >
      <RetentionFields />
      <Form.Item name="event_types" label={t('purge:eventTypes')} extra={t('purge:eventTypesHelp')}>
        <Checkbox.Group
          aria-label={t('purge:eventTypes')}
          options={[
            { value: 'create_artifact', label: t('purge:eventType.createArtifact') },
            { value: 'delete_artifact', label: t('purge:eventType.deleteArtifact') },
            { value: 'pull_artifact', label: t('purge:eventType.pullArtifact') },
            { value: 'other', label: t('purge:eventType.other') },
          ] satisfies { value: PurgeEventType; label: string }[]}
        />
      </Form.Item>
    </ScheduleEditor>
  );
}

/** How long audit logs are kept: an amount and its unit, the amount's limit following the unit. */
function RetentionFields() {
  const { t } = useTranslation();
  const form = Form.useFormInstance<Values>();
  const unit = Form.useWatch('retention_unit', form) ?? 'days';
  return (
    <Form.Item label={t('purge:retention')} extra={t('purge:retentionHelp')} required>
      <Space.Compact>
        <Form.Item
          name="retention_amount"
          noStyle
          dependencies={['retention_unit']}
          rules={[
            { required: true, message: t('common:required') },
            { type: 'integer', min: 0, max: maxRetention(unit), message: t('purge:retentionRange', { max: maxRetention(unit) }) },
          ]}
        >
          <InputNumber min={0} max={maxRetention(unit)} precision={0} aria-label={t('purge:retentionAmount')} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="retention_unit" noStyle>
          <Select<RetentionUnit>
            aria-label={t('purge:retentionUnit')}
            style={{ width: 120 }}
            options={[
              { value: 'days', label: t('purge:unit.days') },
              { value: 'hours', label: t('purge:unit.hours') },
            ]}
          />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}
