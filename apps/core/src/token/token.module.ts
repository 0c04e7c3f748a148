import { Module } from '@nestjs/common';
import { loadOrCreateSigningKey } from '@wharf/auth';
import { AuthModule } from '../auth/passport/auth.module';
import type { CoreConfig } from '../config';
import { CORE_CONFIG } from '../infra/tokens';
import { SIGNING_KEY } from './signing-key';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';

/**
 * The registry token service. Needs the global InfraModule (configuration, identity store, login
 * throttle). The signing key is created on first start (mode 0600) and read on every later one;
 * the registry verifies with its public half.
 */
@Module({
  imports: [AuthModule],
  controllers: [TokenController],
  providers: [
    { provide: SIGNING_KEY, useFactory: (config: CoreConfig) => loadOrCreateSigningKey(config.token.privateKeyPath), inject: [CORE_CONFIG] },
    TokenService,
  ],
  exports: [TokenService, SIGNING_KEY],
})
export class TokenModule {}
