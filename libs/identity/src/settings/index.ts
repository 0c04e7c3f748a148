export { auditLogSettingsOf, AuditLogSettingsSource } from './audit-log-settings';
export { BANNER_TYPES, bannerMessageProblem } from './banner-message';
export type { BannerMessage } from './banner-message';
export { ReadOnlySwitch } from './read-only-switch';
export { settingsOfRows, StoredSettings } from './stored-settings';
export type { IgnoredSetting, SettingRow, StoredSettingsOptions } from './stored-settings';
export {
  AUTH_MODES,
  defaultSettings,
  isSettingKey,
  LDAP_KEYS,
  ldapSettingsOf,
  PUBLIC_SETTING_KEYS,
  SETTING_KEYS,
  SETTING_SPECS,
  settingValueProblem,
} from './system-settings';
export type { AuthMode, EnvironmentSettings, LdapKey, ProjectCreationRestriction, SettingKey, SettingSpec, SystemSettings } from './system-settings';
