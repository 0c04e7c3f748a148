import { arrayOf, bool, int, type Models, modelRef, object, str } from '../openapi/schema';

export const SEARCH_MODELS: Models = {
  Search: object({ project: arrayOf(modelRef('Project')), repository: arrayOf(modelRef('SearchRepository')) }),
  SearchRepository: object({ project_id: int, project_name: str, project_public: bool, repository_name: str, pull_count: int, artifact_count: int }),
};
