import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiAuthenticator } from '../auth/api-authenticator';
import { PassportAuthenticator, type StrategyName } from '../auth/passport/passport-authenticator';
import { STRATEGY } from '../auth/passport/strategies';
import { ANONYMOUS } from '../auth/request-access';
import { badRequest } from '../http/harbor-error';
import { ApiModelResponse } from '../openapi/schema';
import { many, single, TokenResponse } from './token-request';
import { TokenService } from './token.service';

/**
 * `/service/token`: the Docker registry token endpoint (GET with Basic credentials, or none for
 * anonymous access) and its OAuth2 form (POST, `grant_type=password`). The `account` parameter
 * is ignored, as Harbor does: the credentials say who is asking.
 */
/** Who may ask for a registry token: an OIDC ID token, a robot's or a user's Basic credentials (a CLI secret too). */
const TOKEN_STRATEGIES: readonly StrategyName[] = [STRATEGY.idToken, STRATEGY.robot, STRATEGY.user];

@Controller('service')
export class TokenController {
  constructor(
    private readonly authenticator: ApiAuthenticator,
    private readonly passport: PassportAuthenticator,
    private readonly tokens: TokenService,
  ) {}

  @Get('token')
  @ApiModelResponse('RegistryToken')
  async get(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponse> {
    const query = (request.query ?? {}) as Record<string, unknown>;
    // Credentials first: a caller with wrong ones learns nothing about the request's validity.
    const principal = await this.passport.authenticate(request, reply, TOKEN_STRATEGIES);
    const access = principal ? new Access(principal) : ANONYMOUS;
    return this.tokens.issue(access, { service: single(query['service']), scopes: many(query['scope']) });
  }

  @Post('token')
  @ApiModelResponse('RegistryToken')
  @HttpCode(200)
  async post(@Req() request: FastifyRequest, @Body() body: unknown): Promise<TokenResponse & { scope: string }> {
    const form = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const grantType = single(form['grant_type']);
    if (grantType !== 'password') {
      // No refresh tokens are issued, so `refresh_token` grants cannot be honoured either.
      throw badRequest(`unsupported grant_type ${JSON.stringify(grantType ?? '')}: only "password" is supported`);
    }
    const username = single(form['username']);
    const password = single(form['password']);
    if (!username || password === undefined) throw badRequest('grant_type "password" needs username and password');
    const access = new Access(await this.authenticator.login(username, password, request.ip, { cliSecret: true }));
    const scopes = many(form['scope']);
    const issued = await this.tokens.issue(access, { service: single(form['service']), scopes });
    return { ...issued, scope: scopes.join(' ') };
  }
}
