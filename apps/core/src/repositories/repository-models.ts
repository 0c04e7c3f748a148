import { dateTime, int64, type Models, object, str } from '../openapi/schema';

export const REPOSITORY_MODELS: Models = {
  Repository: object({
    id: int64,
    project_id: int64,
    name: str,
    description: str,
    artifact_count: int64,
    pull_count: int64,
    creation_time: dateTime,
    update_time: dateTime,
  }),
};
