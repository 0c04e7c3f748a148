import { Module } from '@nestjs/common';
import { SessionModule } from '../../session/session.module';
import { ApiAuthenticator } from '../api-authenticator';
import { PassportAuthenticator } from './passport-authenticator';
import { ConsoleSessionStrategy, OidcIdTokenStrategy, RobotSecretStrategy, UserPasswordStrategy } from './strategies';

/**
 * Authentication through passport (@nestjs/passport): one strategy each for OIDC ID tokens
 * (passport-jwt over the provider's JWKS), robot secrets, user passwords (and OIDC CLI secrets),
 * and the console's session cookie. Needs the global InfraModule and OidcCoreModule.
 */
@Module({
  imports: [SessionModule],
  providers: [ApiAuthenticator, OidcIdTokenStrategy, RobotSecretStrategy, UserPasswordStrategy, ConsoleSessionStrategy, PassportAuthenticator],
  exports: [ApiAuthenticator, PassportAuthenticator],
})
export class AuthModule {}
