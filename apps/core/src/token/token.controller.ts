import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { Access } from '@wharf/auth';
import type { FastifyRequest } from 'fastify';
import { ApiAuthenticator } from '../auth/api-authenticator';
import { badRequest } from '../http/harbor-error';
import { ApiModelResponse } from '../openapi/schema';
import { many, single, TokenResponse } from './token-request';
import { TokenService } from './token.service';

/**
 * `/service/token`: the Docker registry token endpoint (GET with Basic credentials, or none for
 * anonymous access) and its OAuth2 form (POST, `grant_type=password`). The `account` parameter
 * is ignored, as Harbor does: the credentials say who is asking.
 */
@Controller('service')
export class TokenController {
  constructor(
    private readonly authenticator: ApiAuthenticator,
    private readonly tokens: TokenService,
  ) {}

  @Get('token')
  @ApiModelResponse('RegistryToken')
  async get(@Req() request: FastifyRequest): Promise<TokenResponse> {
    const query = (request.query ?? {}) as Record<string, unknown>;
    // Credentials first: a caller with wrong ones learns nothing about the request's validity.
    const access = await this.authenticator.authenticate(request.headers.authorization, request.ip, { cliSecret: true });
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
