import { dateTime, int, type Models, object, str } from '../openapi/schema';

export const AUDIT_MODELS: Models = {
  AuditLog: object({ id: int, username: str, resource: str, resource_type: str, operation: str, op_time: dateTime }),
};
