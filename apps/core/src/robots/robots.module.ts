import { Module } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { LoginFailures } from '../auth/login-failures';
import { RobotRepository } from './robot.repository';
import { RobotsController } from './robots.controller';
import { RobotsService } from './robots.service';

/** Harbor's /robots API. Infrastructure (SQL, config) comes from the global InfraModule. */
@Module({
  controllers: [RobotsController],
  // AuditService holds no state: this module's copy writes the same audit_log rows.
  providers: [RobotRepository, RobotsService, AuditService, LoginFailures],
})
export class RobotsModule {}
