import type { FastifyRequest } from 'fastify';

export type RegistryAction = 'pull' | 'push' | 'delete';

/**
 * What one request needs: actions on one repository, or the catalog (`registry:catalog:*`).
 * A request that needs nothing but an authenticated caller (`GET /v2/`) passes an empty list.
 */
export interface AccessRequest {
  type: 'repository' | 'registry';
  name: string;
  actions: Array<RegistryAction | '*'>;
}

/** Which projects' repositories the caller may see in the catalog: every one, or these ids. */
export type CatalogVisibility = { all: true } | { all: false; projectIds: number[] };

/**
 * The seam where authentication plugs in: `AllowAllAuthorizer` for an open registry,
 * `TokenAuthorizer` (bearer tokens from the token service, or basic credentials) otherwise.
 */
export interface RegistryAuthorizer {
  /**
   * Resolves when allowed; throws OciError UNAUTHORIZED (with a `WWW-Authenticate` challenge
   * naming the scopes above) or DENIED otherwise.
   */
  authorize(request: FastifyRequest, access: AccessRequest[]): Promise<void>;
  /** For a request `authorize` let through: whose repositories the catalog may list. */
  catalogVisibility(request: FastifyRequest): Promise<CatalogVisibility>;
  /**
   * For a request `authorize` let through: the verified caller's name for the audit trail
   * (`anonymous` without one, and always in an open registry, where nobody is verified).
   */
  callerName(request: FastifyRequest): string;
}

/** Harbor's operator name for callers without credentials. */
export const ANONYMOUS_CALLER = 'anonymous';

export const REGISTRY_AUTHORIZER = Symbol('REGISTRY_AUTHORIZER');

export class AllowAllAuthorizer implements RegistryAuthorizer {
  async authorize(): Promise<void> {
    // No authentication configured: the data plane is open (development only).
  }

  async catalogVisibility(): Promise<CatalogVisibility> {
    return { all: true };
  }

  callerName(): string {
    return ANONYMOUS_CALLER;
  }
}
