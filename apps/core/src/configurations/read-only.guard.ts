import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { READ_ONLY_MESSAGE } from '@wharf/db';
import type { FastifyRequest } from 'fastify';
import { API_PREFIX } from '../http/api-prefix';
import { HarborError } from '../http/harbor-error';
import { SettingsService } from './settings.service';

/** Harbor's safe methods for read-only mode (its readonly middleware): they never change anything. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Harbor's allow-list of state-changing routes that stay open in read-only mode (method and
 * route, as matched): the switch itself, so that an administrator can turn it off; signing in to
 * the console; the token service's POST, which Harbor answers as its framework does rather than
 * with a refusal some clients (containerd) would stop at; the onboarding of an OIDC user, who
 * could not sign in otherwise. Harbor's other entries (sign-up checks, job status hooks) are
 * routes Wharf does not have.
 */
const ALLOWED: ReadonlySet<string> = new Set([`PUT /${API_PREFIX}/configurations`, 'POST /c/login', 'POST /c/oidc/onboard', 'POST /service/token']);

export function readOnlyRefuses(method: string, route: string): boolean {
  const verb = method.toUpperCase();
  return !SAFE_METHODS.has(verb) && !ALLOWED.has(`${verb} ${route.replace(/\/+$/, '')}`);
}

/**
 * Refuses every state-changing request while the installation is in read-only mode, with
 * Harbor's answer (403 DENIED). It runs after authentication and the CSRF check and before the
 * handler, where Harbor's middleware sits: a caller is told it cannot change anything rather than
 * why its particular change would have failed. What it reads is a second old at most on any
 * replica; when it cannot read, the request fails (503) rather than being let through.
 */
@Injectable()
export class ReadOnlyGuard implements CanActivate {
  constructor(private readonly settings: SettingsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!readOnlyRefuses(request.method, request.routeOptions.url ?? request.url)) return true;
    if (await this.settings.readOnly()) throw new HarborError('DENIED', READ_ONLY_MESSAGE);
    return true;
  }
}
