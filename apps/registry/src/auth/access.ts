import type { FastifyRequest } from 'fastify';

export type RegistryAction = 'pull' | 'push' | 'delete';

/** What one request needs: actions on one repository, or the catalog. */
export interface AccessRequest {
  type: 'repository' | 'registry';
  name: string;
  actions: RegistryAction[];
}

/**
 * The seam where authentication plugs in. The default allows everything; the token service
 * (next issue) provides an implementation that verifies bearer tokens and answers 401 with a
 * `WWW-Authenticate` challenge naming the scopes below.
 */
export interface RegistryAuthorizer {
  /** Resolves when allowed; throws OciError UNAUTHORIZED or DENIED otherwise. */
  authorize(request: FastifyRequest, access: AccessRequest[]): Promise<void>;
}

export const REGISTRY_AUTHORIZER = Symbol('REGISTRY_AUTHORIZER');

export class AllowAllAuthorizer implements RegistryAuthorizer {
  async authorize(): Promise<void> {
    // No authentication configured: the data plane is open (development only).
  }
}
