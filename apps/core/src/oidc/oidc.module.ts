import { Global, Module } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { SessionModule } from '../session/session.module';
import { IdTokenVerifier } from './id-token-verifier';
import { CliSecretController, OidcPingController } from './oidc-api.controller';
import { OidcAuthentication } from './oidc-authentication';
import { OidcLoginController } from './oidc-login.controller';
import { OidcLogin } from './oidc-login.service';
import { OidcProviderClient } from './oidc-provider-client';
import { OidcUserStore } from './oidc-user.store';
import { OidcUsers } from './oidc-users.service';
import { PendingLogins } from './pending-login.store';
import { OidcSecrets } from './secret-box';

/**
 * What the passport strategies and ApiAuthenticator ask about OIDC credentials (CLI secrets, bearer ID
 * tokens) and the users service about OIDC users: global, with no imports beyond the global
 * InfraModule, so that the session and token modules see it without a cycle.
 */
@Global()
@Module({
  providers: [OidcSecrets, OidcProviderClient, IdTokenVerifier, OidcUserStore, OidcAuthentication, OidcUsers, AuditService],
  exports: [OidcSecrets, OidcProviderClient, IdTokenVerifier, OidcUserStore, OidcAuthentication, OidcUsers],
})
export class OidcCoreModule {}

/** The console's OIDC login, the ping of an endpoint and users' CLI secrets (auth_mode oidc_auth). */
@Module({
  imports: [OidcCoreModule, SessionModule],
  controllers: [OidcLoginController, OidcPingController, CliSecretController],
  providers: [OidcLogin, PendingLogins, AuditService],
})
export class OidcModule {}
