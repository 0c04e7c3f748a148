import { App, Button, Flex, Input, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../components/error-alert';
import { cronOf, cronShapeProblem, type ScheduleKind, scheduleKind } from './schedule';

interface Props {
  /** The policy's cron ("" for none). */
  cron: string;
  canChange: boolean;
  onSave(cron: string): Promise<void>;
}

/** When the policy runs by itself (for real, never dry): none, hourly, daily, weekly or a cron of its own. */
export function RetentionSchedule({ cron, canChange, onSave }: Props) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [kind, setKind] = useState<ScheduleKind>(scheduleKind(cron));
  const [custom, setCustom] = useState(scheduleKind(cron) === 'custom' ? cron : '');
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState(cron);
  // The policy changed under the form (saved, or reloaded): show what it holds now.
  if (shown !== cron) {
    setShown(cron);
    setKind(scheduleKind(cron));
    setCustom(scheduleKind(cron) === 'custom' ? cron : '');
  }

  const problem = kind === 'custom' ? cronShapeProblem(custom) : null;
  const next = kind === 'custom' && problem ? null : cronOf(kind, custom);
  const changed = next !== null && next !== cron;

  const save = async () => {
    if (next === null) return;
    setBusy(true);
    try {
      await onSave(next);
      void message.success(t('retention:schedule.saved'));
    } catch (err) {
      modal.error({ title: t('retention:saveFailed'), content: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const problemText = problem === 'schedule.cronFields' ? t('retention:schedule.cronFields') : problem === 'schedule.cronChars' ? t('retention:schedule.cronChars') : null;

  return (
    <section aria-labelledby="retention-schedule-title">
      <Typography.Title id="retention-schedule-title" level={3} style={{ fontSize: 18 }}>
        {t('retention:schedule.title')}
      </Typography.Title>
      <Flex gap={8} wrap align="flex-start">
        <Select<ScheduleKind>
          aria-label={t('retention:schedule.label')}
          style={{ width: 180 }}
          value={kind}
          disabled={!canChange}
          onChange={setKind}
          options={[
            { value: 'none', label: t('retention:schedule.none') },
            { value: 'hourly', label: t('retention:schedule.hourly') },
            { value: 'daily', label: t('retention:schedule.daily') },
            { value: 'weekly', label: t('retention:schedule.weekly') },
            { value: 'custom', label: t('retention:schedule.custom') },
          ]}
        />
        {kind === 'custom' && (
          <div>
            <Input
              aria-label={t('retention:schedule.cron')}
              placeholder="0 0 2 * * *"
              value={custom}
              disabled={!canChange}
              status={custom && problem ? 'error' : undefined}
              onChange={(e) => setCustom(e.target.value)}
              style={{ width: 220, fontFamily: 'monospace' }}
            />
            <div>
              <Typography.Text type={custom && problemText ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
                {custom && problemText ? problemText : t('retention:schedule.cronHelp')}
              </Typography.Text>
            </div>
          </div>
        )}
        {kind !== 'none' && kind !== 'custom' && <Typography.Text type="secondary" style={{ lineHeight: '32px' }}>{t('retention:schedule.fixedHelp', { cron: cronOf(kind, '') })}</Typography.Text>}
        {canChange && (
          <Button onClick={() => void save()} disabled={!changed} loading={busy}>
            {t('common:save')}
          </Button>
        )}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('retention:schedule.note')}
      </Typography.Paragraph>
    </section>
  );
}
