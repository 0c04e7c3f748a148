import { GC_DEFAULTS } from '@wharf/jobs';
import { HarborError } from '../http/harbor-error';
import { parseGcScheduleRequest } from './gc-schedule-request';

function refusal(body: unknown): string {
  try {
    parseGcScheduleRequest(body);
  } catch (err) {
    if (err instanceof HarborError && err.code === 'BAD_REQUEST') return err.message;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('parseGcScheduleRequest', () => {
  it('reads "run now" with parameters, defaults filling the gaps', () => {
    expect(parseGcScheduleRequest({ schedule: { type: 'Manual' } })).toEqual({ action: 'run', parameters: GC_DEFAULTS });
    expect(parseGcScheduleRequest({ schedule: { type: 'Manual' }, parameters: { dry_run: true, workers: 5, time_window: 0 } })).toEqual({
      action: 'run',
      parameters: { dry_run: true, delete_untagged: false, workers: 5, time_window: 0 },
    });
  });

  it('gives Hourly, Daily and Weekly their fixed cron, and takes a matching one', () => {
    expect(parseGcScheduleRequest({ schedule: { type: 'Hourly' } })).toMatchObject({ action: 'schedule', cronType: 'Hourly', cron: '0 0 * * * *' });
    expect(parseGcScheduleRequest({ schedule: { type: 'Daily', cron: ' 0 0 0  * * * ' } })).toMatchObject({ cronType: 'Daily', cron: '0 0 0 * * *' });
    expect(parseGcScheduleRequest({ schedule: { type: 'Weekly', cron: '' } })).toMatchObject({ cronType: 'Weekly', cron: '0 0 0 * * 0' });
    expect(refusal({ schedule: { type: 'Daily', cron: '0 0 2 * * *' } })).toMatch(/use type Custom/);
  });

  it('needs a valid 6-field cron for Custom and Schedule, stored as Custom', () => {
    expect(parseGcScheduleRequest({ schedule: { type: 'Custom', cron: '0 30 2 * * 1' }, parameters: { delete_untagged: true } })).toEqual({
      action: 'schedule',
      cronType: 'Custom',
      cron: '0 30 2 * * 1',
      parameters: { ...GC_DEFAULTS, delete_untagged: true },
    });
    expect(parseGcScheduleRequest({ schedule: { type: 'Schedule', cron: '0 0 */6 * * *' } })).toMatchObject({ cronType: 'Custom', cron: '0 0 */6 * * *' });
    expect(refusal({ schedule: { type: 'Custom' } })).toMatch(/needs a cron/);
    expect(refusal({ schedule: { type: 'Custom', cron: '0 2 * * *' } })).toMatch(/6 fields/);
    expect(refusal({ schedule: { type: 'Schedule', cron: '0 0 25 * * *' } })).toMatch(/invalid/);
    expect(refusal({ schedule: { type: 'Custom', cron: 5 } })).toMatch(/cron must be a string/);
  });

  it('reads None as removal', () => {
    expect(parseGcScheduleRequest({ schedule: { type: 'None', cron: '' } })).toEqual({ action: 'remove' });
  });

  it('ignores the read-only fields a client echoes back from GET', () => {
    const echoed = { id: 3, creation_time: 'x', schedule: { type: 'Hourly', cron: '0 0 * * * *', next_scheduled_time: 'y' }, parameters: null };
    expect(parseGcScheduleRequest(echoed)).toMatchObject({ action: 'schedule', cronType: 'Hourly', parameters: GC_DEFAULTS });
  });

  it('ignores fields it does not know, as Harbor does', () => {
    expect(parseGcScheduleRequest({ schedule: { type: 'Manual', when: 'now' }, extra: 1, parameters: { redis_url_reg: 'x', dry_run: true } })).toEqual({
      action: 'run',
      parameters: { ...GC_DEFAULTS, dry_run: true },
    });
  });

  it.each([
    [undefined, /body is required/],
    [[], /JSON object/],
    ['text', /JSON object/],
    [{}, /schedule is required/],
    [{ schedule: 'Daily' }, /schedule is required/],
    [{ schedule: { cron: '0 0 * * * *' } }, /schedule.type must be one of/],
    [{ schedule: { type: 'Monthly' } }, /schedule.type must be one of/],
    [{ schedule: { type: 'Manual' }, parameters: [] }, /parameters must be an object/],
    [{ schedule: { type: 'Manual' }, parameters: { dry_run: 'true' } }, /dry_run must be true or false/],
    [{ schedule: { type: 'Manual' }, parameters: { delete_untagged: 1 } }, /delete_untagged must be true or false/],
    [{ schedule: { type: 'Manual' }, parameters: { workers: 0 } }, /workers must be an integer from 1 to 5/],
    [{ schedule: { type: 'Manual' }, parameters: { workers: 6 } }, /workers must be an integer from 1 to 5/],
    [{ schedule: { type: 'Manual' }, parameters: { workers: 2.5 } }, /workers/],
    [{ schedule: { type: 'Manual' }, parameters: { workers: '2' } }, /workers/],
    [{ schedule: { type: 'Manual' }, parameters: { time_window: -1 } }, /time_window must be a number of hours/],
    [{ schedule: { type: 'Manual' }, parameters: { time_window: '2' } }, /time_window/],
    // Bad parameters are refused even when the schedule is being removed.
    [{ schedule: { type: 'None' }, parameters: { workers: 9 } }, /workers/],
  ])('refuses %j', (body, message) => {
    expect(refusal(body)).toMatch(message);
  });
});
