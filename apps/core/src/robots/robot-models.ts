import { arrayOf, bool, dateTime, int, int64, type Models, modelRef, object, str } from '../openapi/schema';

/** Response models of /robots and /permissions. */
export const ROBOT_MODELS: Models = {
  Robot: object(
    {
      id: int64,
      name: str,
      description: str,
      secret: { type: 'string', description: 'only in requests: answers never carry it' },
      level: { type: 'string', enum: ['system', 'project'] },
      duration: { type: 'integer', format: 'int64', description: 'days; -1 for never' },
      editable: bool,
      disable: bool,
      expires_at: { type: 'integer', format: 'int64', description: 'Unix seconds; -1 for never' },
      permissions: arrayOf(modelRef('RobotPermission')),
      creator_type: str,
      creator_ref: int,
      creation_time: dateTime,
      update_time: dateTime,
    },
    ['secret'],
  ),
  RobotPermission: object({ kind: str, namespace: str, access: arrayOf(modelRef('Access')) }),
  Access: object({ resource: str, action: str, effect: str }, ['effect']),
  RobotCreated: object({ id: int64, name: str, secret: str, creation_time: dateTime, expires_at: int64 }),
  RobotSec: object({ secret: str }),
  Permissions: object({ system: arrayOf(modelRef('Permission')), project: arrayOf(modelRef('Permission')) }, ['system', 'project']),
};
