import { type Models, object, str } from '../openapi/schema';

/** The registry token (Docker's token protocol, not a Harbor API model). */
export const TOKEN_MODELS: Models = {
  RegistryToken: object(
    {
      token: str,
      access_token: str,
      expires_in: { type: 'integer', description: 'seconds' },
      issued_at: { type: 'string', format: 'date-time' },
      scope: str,
    },
    ['scope'],
  ),
};
