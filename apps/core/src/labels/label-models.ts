import { dateTime, int64, type Models, object, str } from '../openapi/schema';

/** Harbor's Label, as answered (POST and PUT take the same model, ids and times ignored). */
export const LABEL_MODELS: Models = {
  Label: object({
    id: int64,
    name: str,
    description: str,
    color: str,
    scope: { type: 'string', enum: ['g', 'p'] },
    project_id: int64,
    creation_time: dateTime,
    update_time: dateTime,
  }),
};
