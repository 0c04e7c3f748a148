/**
 * An external authentication backend (an LDAP server, later an OIDC provider) could not answer:
 * unreachable, timing out, or refusing Wharf's own service account. This is not a wrong password:
 * the API answers it with a 5xx (503) so that operators see an outage, never a 401 that makes
 * users retype correct passwords and lock themselves out in the login throttle.
 */
export class AuthBackendUnavailableError extends Error {
  constructor(
    readonly backend: 'ldap' | 'oidc',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuthBackendUnavailableError';
  }
}
