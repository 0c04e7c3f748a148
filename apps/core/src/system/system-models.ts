import { arrayOf, bool, dateTime, type Models, modelRef, object, str } from '../openapi/schema';

/** Response models of /health, /systeminfo and /systeminfo/volumes. */
export const SYSTEM_MODELS: Models = {
  OverallHealthStatus: object({ status: { type: 'string', enum: ['healthy', 'unhealthy'] }, components: arrayOf(modelRef('ComponentHealthStatus')) }),
  ComponentHealthStatus: object({ name: str, status: { type: 'string', enum: ['healthy', 'unhealthy'] }, error: str }, ['error']),
  GeneralInfo: object(
    {
      auth_mode: str,
      primary_auth_mode: bool,
      self_registration: bool,
      banner_message: str,
      oidc_provider_name: str,
      harbor_version: str,
      current_time: dateTime,
      registry_url: str,
      external_url: str,
      project_creation_restriction: str,
      has_ca_root: bool,
      read_only: bool,
      notification_enable: bool,
      registry_storage_provider_name: str,
    },
    [
      'harbor_version',
      'current_time',
      'registry_url',
      'external_url',
      'project_creation_restriction',
      'has_ca_root',
      'read_only',
      'notification_enable',
      'registry_storage_provider_name',
    ],
  ),
  SystemInfo: object({ storage: arrayOf(modelRef('Storage')) }),
  Storage: object({ total: { type: 'integer', format: 'uint64' }, free: { type: 'integer', format: 'uint64' } }),
};
