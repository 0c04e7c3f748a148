import type { Provider } from '@nestjs/common';
import type { Sql } from '@wharf/db/plain';
import { AuthModeIdentityStore, LoginThrottle } from '@wharf/identity';
import type { RegistryConfig } from '../config';
import { SQL } from '../infra/tokens';
import { AllowAllAuthorizer, REGISTRY_AUTHORIZER } from './access';
import { IDENTITY, LOGIN_THROTTLE, VERIFICATION_KEY } from './auth-tokens';
import { PrincipalDirectory } from './principal-directory';
import { RegistryRedis } from './registry-redis';
import { StoredAuthSettings } from './stored-auth-settings';
import { TokenAuthorizer } from './token-authorizer';
import { loadVerificationKey } from './verification-key';

/**
 * Basic credentials sent straight to /v2/ come with every request of a push or pull: a password
 * the LDAP directory accepted is taken again for this long without a bind per request. Core's
 * logins (the API, the token service docker uses) ask the directory every time.
 */
const DIRECTORY_ACCEPTANCE_MS = 30_000;

/** The authorizer `REGISTRY_AUTH` asks for, with what it needs (nothing at all for `none`). */
export function authProviders(config: RegistryConfig): Provider[] {
  const auth = config.auth;
  if (auth.mode === 'none') return [{ provide: REGISTRY_AUTHORIZER, useClass: AllowAllAuthorizer }];
  return [
    { provide: VERIFICATION_KEY, useFactory: () => loadVerificationKey(auth) },
    StoredAuthSettings,
    {
      provide: IDENTITY,
      // Basic credentials follow the auth mode core stored (LDAP users too in ldap_auth).
      useFactory: (sql: Sql, settings: StoredAuthSettings) => new AuthModeIdentityStore(sql, auth.robotPrefix, () => settings.current(), DIRECTORY_ACCEPTANCE_MS),
      inject: [SQL, StoredAuthSettings],
    },
    RegistryRedis,
    { provide: LOGIN_THROTTLE, useFactory: (redis: RegistryRedis) => new LoginThrottle(redis.client, { keyPrefix: auth.loginThrottleKeyPrefix, breaker: redis.breaker }), inject: [RegistryRedis] },
    PrincipalDirectory,
    TokenAuthorizer,
    { provide: REGISTRY_AUTHORIZER, useExisting: TokenAuthorizer },
  ];
}
