import { int64, type Models, object } from '../openapi/schema';

export const STATISTIC_MODELS: Models = {
  Statistic: object({
    private_project_count: int64,
    private_repo_count: int64,
    public_project_count: int64,
    public_repo_count: int64,
    total_project_count: int64,
    total_repo_count: int64,
    total_storage_consumption: int64,
  }),
};
