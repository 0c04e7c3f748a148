import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleLogin } from './console-login.service';
import { CSRF_HEADER, CsrfTokens } from './csrf-tokens';
import { clearedSessionCookie, sessionCookie } from './session-cookie';

/** Over HTTPS: TLS here, or X-Forwarded-Proto from a trusted proxy (TRUSTED_PROXIES). */
const overHttps = (request: FastifyRequest) => request.protocol === 'https';

/**
 * The web console's login and logout, where Harbor has them (outside the API, so not in its
 * OpenAPI document). Their answers carry the CSRF token that goes with the browser's session
 * from then on, failures included, as every API answer does.
 */
@ApiExcludeController()
@Controller('c')
export class SessionController {
  constructor(
    private readonly login: ConsoleLogin,
    private readonly csrf: CsrfTokens,
  ) {}

  @Post('login')
  @HttpCode(200)
  async logIn(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<void> {
    reply.header(CSRF_HEADER, await this.csrf.tokenFor(undefined));
    const { sid, csrfToken } = await this.login.login(request, body);
    reply.header('Set-Cookie', sessionCookie(sid, overHttps(request)));
    reply.header(CSRF_HEADER, csrfToken);
  }

  @Get('log_out')
  async logOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    // Forgotten by the browser even when the session store cannot be reached to end it.
    reply.header('Set-Cookie', clearedSessionCookie(overHttps(request)));
    reply.header(CSRF_HEADER, await this.csrf.tokenFor(undefined));
    await this.login.logout(request);
  }
}
