import { bool, dateTime, int, type Models, object, str } from '../openapi/schema';

export const AUDIT_MODELS: Models = {
  AuditLog: object({ id: int, username: str, resource: str, resource_type: str, operation: str, op_time: dateTime }),
  AuditLogExt: object({
    id: int,
    username: str,
    resource: str,
    resource_type: str,
    operation: str,
    operation_description: str,
    operation_result: bool,
    op_time: dateTime,
  }),
  AuditLogEventType: object({ event_type: str }),
};
