import { bool, dateTime, int, type Models, object, str } from '../openapi/schema';

export const SCHEDULE_MODELS: Models = {
  ScheduleTask: object({ id: int, vendor_type: str, vendor_id: int, cron: str, update_time: dateTime }),
  SchedulerStatus: object({ paused: bool }),
};
