import { type Execution, ExecutionStatus, type Schedule, Trigger, VendorType } from '@wharf/jobs';
import { gcHistoryView, gcScheduleView } from './gc-view';

const at = new Date('2026-03-01T10:00:00Z');

function execution(over: Partial<Execution> = {}): Execution {
  return {
    id: '7',
    vendorType: VendorType.GarbageCollection,
    vendorId: '-1',
    status: ExecutionStatus.Success,
    statusMessage: '',
    trigger: Trigger.Manual,
    parameters: { dry_run: false, delete_untagged: true, workers: 2, time_window: 2 },
    extraAttrs: {},
    stopRequested: false,
    startTime: at,
    updateTime: new Date('2026-03-01T10:05:00Z'),
    endTime: new Date('2026-03-01T10:05:00Z'),
    ...over,
  };
}

describe('gcHistoryView', () => {
  it('answers Harbor’s GCHistory for a manual run', () => {
    expect(gcHistoryView(execution())).toEqual({
      id: 7,
      job_name: 'GARBAGE_COLLECTION',
      job_kind: 'MANUAL',
      job_parameters: JSON.stringify({ dry_run: false, delete_untagged: true, workers: 2, time_window: 2 }),
      job_status: 'Success',
      schedule: { type: 'Manual', cron: '' },
      deleted: false,
      creation_time: '2026-03-01T10:00:00.000Z',
      update_time: '2026-03-01T10:05:00.000Z',
    });
  });

  it('adds the results under Wharf’s and Harbor’s names', () => {
    const view = gcHistoryView(execution({ extraAttrs: { blobs_deleted: 3, bytes_freed: 4096, manifests_deleted: 1, uploads_purged: 2, dry_run: false } }));
    expect(JSON.parse(view.job_parameters)).toEqual({
      dry_run: false,
      delete_untagged: true,
      workers: 2,
      time_window: 2,
      blobs_deleted: 3,
      bytes_freed: 4096,
      manifests_deleted: 1,
      uploads_purged: 2,
      purged_blobs: 3,
      freed_space: 4096,
      purged_manifests: 1,
    });
  });

  it('keeps a result the jobservice already gave under Harbor’s name', () => {
    const view = gcHistoryView(execution({ extraAttrs: { freed_space: 10, bytes_freed: 99 } }));
    expect(JSON.parse(view.job_parameters)).toMatchObject({ freed_space: 10 });
  });

  it('shows the cron of a scheduled run: its own when recorded, else the current schedule’s', () => {
    const scheduled = execution({ trigger: Trigger.Schedule, status: ExecutionStatus.Running });
    expect(gcHistoryView(scheduled, '0 0 0 * * *')).toMatchObject({ job_kind: 'SCHEDULE', job_status: 'Running', schedule: { type: 'Schedule', cron: '0 0 0 * * *' } });
    expect(gcHistoryView({ ...scheduled, extraAttrs: { cron: '0 0 * * * *' } }, '0 0 0 * * *').schedule.cron).toBe('0 0 * * * *');
    expect(gcHistoryView(scheduled).schedule.cron).toBe('');
  });
});

describe('gcScheduleView', () => {
  it('shows the schedule with its next run', () => {
    const schedule: Schedule = {
      id: '4',
      vendorType: VendorType.GarbageCollection,
      vendorId: '-1',
      cronType: 'Daily',
      cron: '0 0 0 * * *',
      parameters: { dry_run: false, delete_untagged: false, workers: 1, time_window: 2 },
      creationTime: at,
      updateTime: at,
    };
    expect(gcScheduleView(schedule, at)).toMatchObject({
      id: 4,
      job_parameters: JSON.stringify(schedule.parameters),
      schedule: { type: 'Daily', cron: '0 0 0 * * *', next_scheduled_time: '2026-03-02T00:00:00.000Z' },
      creation_time: at.toISOString(),
    });
  });
});
