import { Module } from '@nestjs/common';
import { OutageLogs, redisBreaker } from '@wharf/outage';
import type Redis from 'ioredis';
import { AuditService } from '../audit/audit.service';
import { ApiAuthenticator } from '../auth/api-authenticator';
import { REDIS } from '../infra/tokens';
import { ConsoleLogin } from './console-login.service';
import { ConsoleSessions } from './console-sessions';
import { CsrfTokens } from './csrf-tokens';
import { SessionController } from './session.controller';
import { SessionStore } from './session.store';

/**
 * The web console's sessions (/c/login, /c/log_out) and CSRF tokens. ApiAuthGuard takes
 * ConsoleSessions and CsrfTokens from here to authenticate API requests by their session cookie.
 */
@Module({
  controllers: [SessionController],
  providers: [
    {
      provide: SessionStore,
      useFactory: (redis: Redis, outages: OutageLogs) => new SessionStore(redis, redisBreaker(outages, 'console sessions')),
      inject: [REDIS, OutageLogs],
    },
    ConsoleSessions,
    CsrfTokens,
    ConsoleLogin,
    // Stateless: this module's copies work as CoreModule's do.
    ApiAuthenticator,
    AuditService,
  ],
  exports: [ConsoleSessions, CsrfTokens],
})
export class SessionModule {}
