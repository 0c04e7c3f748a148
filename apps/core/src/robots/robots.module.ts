import { Module } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { LoginFailures } from '../auth/login-failures';
import { PermissionsController } from './permissions.controller';
import { PermissionsService } from './permissions.service';
import { RobotRepository } from './robot.repository';
import { RobotsController } from './robots.controller';
import { RobotsService } from './robots.service';

/** Harbor's /robots API and the catalogue of what robots may be granted (/permissions). Infrastructure (SQL, config) comes from the global InfraModule. */
@Module({
  controllers: [RobotsController, PermissionsController],
  // AuditService holds no state: this module's copy writes the same audit_log rows.
  providers: [RobotRepository, RobotsService, PermissionsService, AuditService, LoginFailures],
})
export class RobotsModule {}
