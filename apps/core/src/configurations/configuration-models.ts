import { PUBLIC_SETTING_KEYS, SETTING_SPECS } from '@wharf/identity';
import { anyObject, bool, type Models, mapOf, modelRef, object } from '../openapi/schema';

export const OPENAPI_TYPES = { string: 'string', int: 'integer', bool: 'boolean' } as const;

/** Harbor's ConfigurationsResponse: each item that is not a secret, with its value and whether it may be changed. */
export const CONFIGURATION_MODELS: Models = {
  ConfigurationsResponse: object(
    Object.fromEntries(
      PUBLIC_SETTING_KEYS.map((key) => [key, object({ value: { type: OPENAPI_TYPES[SETTING_SPECS[key].type] }, editable: bool })]),
    ),
  ),
  /** Every item by name, secrets included: what Harbor gives its own components (Wharf answers no caller). */
  InternalConfigurationsResponse: mapOf(modelRef('InternalConfigurationValue')),
  InternalConfigurationValue: object({ value: anyObject, editable: bool }),
};
