import { runNowBody, scheduleBody } from './gc-schedule';
import { eventTypesOf, eventTypesText, hoursOfRetention, maxRetention, purgedCount, purgeScheduleFormOf, retentionOfHours } from './purge-schedule';

describe('audit log purge schedule', () => {
  it('shows whole days as days and anything else as hours, and back', () => {
    expect(retentionOfHours(720)).toEqual({ amount: 30, unit: 'days' });
    expect(retentionOfHours(24)).toEqual({ amount: 1, unit: 'days' });
    expect(retentionOfHours(36)).toEqual({ amount: 36, unit: 'hours' });
    expect(retentionOfHours(12)).toEqual({ amount: 12, unit: 'hours' });
    expect(retentionOfHours(0)).toEqual({ amount: 0, unit: 'hours' });
    expect(hoursOfRetention({ amount: 7, unit: 'days' })).toBe(168);
    expect(hoursOfRetention({ amount: 5, unit: 'hours' })).toBe(5);
    expect(hoursOfRetention({ amount: maxRetention('days'), unit: 'days' })).toBeLessThanOrEqual(240_000);
    expect(maxRetention('hours')).toBe(240_000);
  });

  it('reads and writes the event types as a comma separated list in the form’s order', () => {
    expect(eventTypesOf(' pull_artifact, create_artifact,,pull_artifact ')).toEqual(['pull_artifact', 'create_artifact']);
    expect(eventTypesOf('')).toEqual([]);
    expect(eventTypesText(['other', 'pull_artifact', 'create_artifact'])).toBe('create_artifact,pull_artifact,other');
    expect(eventTypesText(['legacy', 'delete_artifact'])).toBe('delete_artifact,legacy');
    expect(eventTypesText([])).toBe('');
  });

  it('reads no schedule ({}) as None with a month of artifact events', () => {
    expect(purgeScheduleFormOf({})).toEqual({
      choice: 'None',
      cron: '',
      nextRun: undefined,
      parameters: { audit_retention_hour: 720, include_event_types: 'create_artifact,delete_artifact,pull_artifact' },
    });
  });

  it('reads a stored schedule with its parameters, an empty list of types included', () => {
    const form = purgeScheduleFormOf({
      schedule: { type: 'Daily', cron: '0 0 0 * * *', next_scheduled_time: '2026-12-09T00:00:00.000Z' },
      job_parameters: '{"audit_retention_hour":36,"include_event_types":"","dry_run":false}',
    });
    expect(form).toEqual({ choice: 'Daily', cron: '0 0 0 * * *', nextRun: '2026-12-09T00:00:00.000Z', parameters: { audit_retention_hour: 36, include_event_types: '' } });
    expect(purgeScheduleFormOf({ job_parameters: '{"audit_retention_hour":"36","include_event_types":["x"]}' }).parameters).toEqual({
      audit_retention_hour: 720,
      include_event_types: 'create_artifact,delete_artifact,pull_artifact',
    });
  });

  it('sends its parameters with None as well, and never schedules a dry run', () => {
    const parameters = { audit_retention_hour: 48, include_event_types: 'other' };
    expect(scheduleBody({ choice: 'None', cron: '', parameters }, true)).toEqual({ schedule: { type: 'None' }, parameters: { ...parameters, dry_run: false } });
    expect(scheduleBody({ choice: 'Hourly', cron: '', parameters: { ...parameters, dry_run: true } }, true)).toEqual({
      schedule: { type: 'Hourly', cron: '0 0 * * * *' },
      parameters: { ...parameters, dry_run: false },
    });
    expect(runNowBody(parameters, true)).toEqual({ schedule: { type: 'Manual' }, parameters: { ...parameters, dry_run: true } });
  });

  it('reads the count a run recorded', () => {
    expect(purgedCount('{"audit_retention_hour":1,"purged_audit_logs":12,"dry_run":true}')).toBe(12);
    expect(purgedCount('{"audit_retention_hour":1}')).toBeUndefined();
    expect(purgedCount(undefined)).toBeUndefined();
  });
});
