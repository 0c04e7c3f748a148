import { dateTime, int, type Models, modelRef, object, str } from '../openapi/schema';

/** Harbor's Quota; `id` and `ref.id` are both the project's id (one quota per project). */
export const QUOTA_MODELS: Models = {
  Quota: object({
    id: int,
    ref: modelRef('QuotaRefObject'),
    hard: modelRef('ResourceList'),
    used: modelRef('ResourceList'),
    creation_time: dateTime,
    update_time: dateTime,
  }),
  QuotaRefObject: { ...object({ id: int, name: str, owner_name: str }), additionalProperties: true },
};
