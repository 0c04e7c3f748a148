import { int, type Models, object, str } from '../openapi/schema';

export const MEMBER_MODELS: Models = {
  ProjectMemberEntity: object({
    id: int,
    project_id: int,
    entity_name: str,
    role_name: str,
    role_id: int,
    entity_id: int,
    entity_type: { type: 'string', enum: ['u', 'g'] },
  }),
};
