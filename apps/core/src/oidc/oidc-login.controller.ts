import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_HEADER, CsrfTokens } from '../session/csrf-tokens';
import { clearedSessionCookie, sessionCookie } from '../session/session-cookie';
import { OidcLogin } from './oidc-login.service';
import { clearedLoginCookie, loginCookie } from './pending-login.store';

const overHttps = (request: FastifyRequest) => request.protocol === 'https';

/** The console's OIDC login (Harbor's /c/oidc routes, outside the API and its document). */
@ApiExcludeController()
@Controller('c/oidc')
export class OidcLoginController {
  constructor(
    private readonly login: OidcLogin,
    private readonly csrf: CsrfTokens,
  ) {}

  @Get('login')
  async redirectToProvider(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const redirectUrl = typeof query['redirect_url'] === 'string' ? query['redirect_url'] : '';
    const { location, loginId } = await this.login.begin(redirectUrl);
    await reply.header('Set-Cookie', loginCookie(loginId, overHttps(request))).redirect(location, 302);
  }

  @Get('callback')
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.login.callback(request);
    const secure = overHttps(request);
    // The onboarding page still needs the login's cookie; a finished login does not.
    const cookies = outcome.session ? [clearedLoginCookie(secure), sessionCookie(outcome.session.sid, secure)] : [];
    if (cookies.length > 0) reply.header('Set-Cookie', cookies);
    if (outcome.session) reply.header(CSRF_HEADER, outcome.session.csrfToken);
    await reply.redirect(outcome.location, 302);
  }

  @Get('logout')
  async logout(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const location = await this.login.logout(request);
    await reply.header('Set-Cookie', clearedSessionCookie(overHttps(request))).redirect(location, 302);
  }

  @Post('onboard')
  @HttpCode(200)
  async onboard(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<void> {
    reply.header(CSRF_HEADER, await this.csrf.tokenFor(undefined));
    const { sid, csrfToken } = await this.login.onboard(request, body);
    const secure = overHttps(request);
    reply.header('Set-Cookie', [clearedLoginCookie(secure), sessionCookie(sid, secure)]);
    reply.header(CSRF_HEADER, csrfToken);
  }
}
