import { gcFigures, isActive } from './execution-run';
import { choiceOfCron, cronOfChoice, cronShapeProblem, FIXED_CRONS, parseJobParameters, runNowBody, scheduleBody, scheduleFormOf } from './gc-schedule';

describe('GC schedule and cron', () => {
  it('shows the fixed expressions as their types and anything else as Custom', () => {
    expect(choiceOfCron('0 0 * * * *')).toBe('Hourly');
    expect(choiceOfCron('0  0 0 * * *')).toBe('Daily');
    expect(choiceOfCron('0 0 0 * * 0', 'Weekly')).toBe('Weekly');
    expect(choiceOfCron('0 30 2 * * 1-5', 'Custom')).toBe('Custom');
    expect(choiceOfCron('', undefined)).toBe('None');
    expect(choiceOfCron(undefined)).toBe('None');
  });

  it('gives each choice its cron, keeping what was typed for Custom', () => {
    expect(cronOfChoice('Hourly', 'ignored')).toBe(FIXED_CRONS.Hourly);
    expect(cronOfChoice('Weekly', '')).toBe('0 0 0 * * 0');
    expect(cronOfChoice('Custom', ' 0 15  3 * * * ')).toBe('0 15 3 * * *');
    expect(cronOfChoice('None', '0 0 0 * * *')).toBe('');
  });

  it('round-trips every choice through the body and the answer', () => {
    for (const choice of ['Hourly', 'Daily', 'Weekly', 'Custom'] as const) {
      const body = scheduleBody({ choice, cron: '0 5 4 * * *', parameters: { delete_untagged: true, workers: 3 } });
      if (!('parameters' in body)) throw new Error('expected parameters');
      const form = scheduleFormOf({ schedule: { type: body.schedule.type, cron: body.schedule.cron }, job_parameters: JSON.stringify(body.parameters) });
      expect(form.choice).toBe(choice);
      expect(form.parameters).toEqual({ delete_untagged: true, workers: 3 });
    }
  });

  it('removes the schedule with None and never schedules a dry run', () => {
    expect(scheduleBody({ choice: 'None', cron: '', parameters: { delete_untagged: false, workers: 1 } })).toEqual({ schedule: { type: 'None' } });
    expect(scheduleBody({ choice: 'Daily', cron: '', parameters: { delete_untagged: false, workers: 1, dry_run: true } })).toEqual({
      schedule: { type: 'Daily', cron: '0 0 0 * * *' },
      parameters: { delete_untagged: false, workers: 1, dry_run: false },
    });
  });

  it('runs at once with type Manual', () => {
    expect(runNowBody({ delete_untagged: true, workers: 2 }, true)).toEqual({ schedule: { type: 'Manual' }, parameters: { delete_untagged: true, workers: 2, dry_run: true } });
  });

  it('reads no schedule ({}) as None with the defaults and keeps the time window', () => {
    expect(scheduleFormOf({})).toEqual({ choice: 'None', cron: '', nextRun: undefined, parameters: { delete_untagged: false, workers: 1 } });
    const form = scheduleFormOf({
      schedule: { type: 'Custom', cron: '0 0 3 * * *', next_scheduled_time: '2026-12-08T03:00:00.000Z' },
      job_parameters: '{"delete_untagged":true,"workers":2,"time_window":6}',
    });
    expect(form).toEqual({ choice: 'Custom', cron: '0 0 3 * * *', nextRun: '2026-12-08T03:00:00.000Z', parameters: { delete_untagged: true, workers: 2, time_window: 6 } });
  });

  it('catches a malformed custom cron before sending it', () => {
    expect(cronShapeProblem('  ')).toBe('empty');
    expect(cronShapeProblem('0 0 * * *')).toBe('fields');
    expect(cronShapeProblem('0 0 0 * * <b>')).toBe('characters');
    expect(cronShapeProblem('*/30 0-30/10 1,13 * * MON-FRI')).toBeNull();
  });
});

describe('GC runs', () => {
  it('reads parameters that are not JSON as none', () => {
    expect(parseJobParameters('not json')).toEqual({});
    expect(parseJobParameters('[1]')).toEqual({});
    expect(parseJobParameters(undefined)).toEqual({});
  });

  it('reads the figures under either name', () => {
    expect(gcFigures({ job_parameters: '{"dry_run":true,"delete_untagged":true,"manifests_deleted":2,"blobs_deleted":5,"freed_space":1024}' })).toEqual({
      dryRun: true,
      deleteUntagged: true,
      artifacts: 2,
      blobs: 5,
      freedBytes: 1024,
    });
    expect(gcFigures({ job_parameters: '{"purged_manifests":1,"purged_blobs":3}' })).toEqual({ dryRun: false, deleteUntagged: false, artifacts: 1, blobs: 3, freedBytes: undefined });
  });

  it('is active while pending or running', () => {
    expect(isActive('Running')).toBe(true);
    expect(isActive('Pending')).toBe(true);
    expect(isActive('Success')).toBe(false);
    expect(isActive(undefined)).toBe(false);
  });
});
