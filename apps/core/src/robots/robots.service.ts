import { Inject, Injectable } from '@nestjs/common';
import { Access, generateSecret, hashPassword, passwordProblem, ProjectRef, RobotPermission } from '@wharf/auth';
import type { Sql, SqlRunner } from '@wharf/db';
import { bindRobotPermissions, namedProjects } from '@wharf/identity';
import { AuditService } from '../audit/audit.service';
import { requireAuthenticated, requireProjectAccess, requireSysadmin } from '../auth/authorize';
import { LoginFailures } from '../auth/login-failures';
import type { CoreConfig } from '../config';
import { badRequest, conflict, forbidden, notFound } from '../http/harbor-error';
import type { Paging } from '../http/paging';
import { ParsedQuery, QueryTerm, SortKey } from '../http/query';
import { SettingsService } from '../configurations/settings.service';
import { isUniqueViolation } from '../infra/pg-errors';
import { CORE_CONFIG, SQL } from '../infra/tokens';
import type { RobotCreateDto } from './dto/robot-create.dto';
import type { RobotDto } from './dto/robot.dto';
import type { RobotSecDto } from './dto/robot-sec.dto';
import { escalations, normalizePermissions, PermissionInput, RobotLevel } from './robot-permissions';
import { durationProblem, robotNameProblem } from './robot-rules';
import { RobotRecord, RobotRepository } from './robot.repository';
import { expiresAtSeconds, RobotCreated, robotFullName, RobotView, robotView } from './robot-view';

/** Removes and returns the term of the first of `keys` present (Harbor spells some keys two ways). */
function takeTerm(query: ParsedQuery, keys: string[]): { key: string; term: QueryTerm } | undefined {
  for (const key of keys) {
    const term = query.get(key);
    if (term) {
      query.delete(key);
      return { key, term };
    }
  }
  return undefined;
}

function exactValue(found: { key: string; term: QueryTerm } | undefined): string | undefined {
  if (!found) return undefined;
  if (found.term.kind !== 'exact') throw badRequest(`invalid query: ${found.key} supports exact matches only`);
  return found.term.value;
}

/** Robot accounts: Harbor's /robots API. */
@Injectable()
export class RobotsService {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly robots: RobotRepository,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly loginFailures: LoginFailures,
  ) {}

  private view(row: RobotRecord): RobotView {
    return robotView(row, this.config.robotPrefix);
  }

  private async robot(id: number): Promise<RobotRecord> {
    const robot = await this.robots.byId(id);
    if (!robot) throw notFound(`robot ${id} not found`);
    return robot;
  }

  /** System robots are the administrators'; a project robot is its project's `robot` resource. */
  private authorize(access: Access, robot: RobotRecord, action: 'read' | 'update' | 'delete'): void {
    if (robot.level === 'system' || robot.project_id === null) {
      requireSysadmin(access);
      return;
    }
    requireProjectAccess(access, { id: robot.project_id, name: robot.project_name ?? '', public: robot.project_public ?? false }, 'robot', action);
  }

  /** Every project a permission names must exist (404 naming the first that does not). */
  private async requireProjects(permissions: RobotPermission[]): Promise<Map<string, ProjectRef>> {
    const names = namedProjects(permissions);
    const found = new Map((await this.robots.projects(names)).map((p) => [p.name, p] as const));
    const missing = names.find((name) => !found.has(name));
    if (missing !== undefined) throw notFound(`project ${missing} not found`);
    return found;
  }

  /**
   * The permissions as stored: bound to their projects' ids inside the writing transaction, which
   * keeps those projects from being deleted until it ends (404 for one deleted meanwhile).
   */
  private async bound(tx: SqlRunner, permissions: RobotPermission[]): Promise<RobotPermission[]> {
    const { permissions: bound, missing } = await bindRobotPermissions(tx, permissions);
    if (missing.length > 0) throw notFound(`project ${missing[0]} not found`);
    return bound;
  }

  /** Non-administrators cannot hand a robot rights they lack themselves. */
  private requireNoEscalation(access: Access, project: ProjectRef, permission: RobotPermission): void {
    if (access.isSysadmin) return;
    const over = escalations(access, project, permission);
    if (over.length > 0) throw forbidden(`cannot grant permissions you do not hold in project ${project.name}: ${over.join(', ')}`);
  }

  /** Days a robot lives: 0 asks for the system default (the `robot_token_duration` setting). */
  private async lifetime(duration: number): Promise<number> {
    return duration === 0 ? (await this.settings.current()).robot_token_duration : duration;
  }

  private creatorOf(access: Access): { creator: string; creatorType: 'local' | 'robot'; creatorRef: number } {
    const p = access.principal;
    if (p.kind === 'robot') return { creator: p.name, creatorType: 'robot', creatorRef: p.id };
    if (p.kind === 'user') return { creator: p.username, creatorType: 'local', creatorRef: p.id };
    throw forbidden('anonymous callers cannot create robots');
  }

  async create(access: Access, clientIp: string, req: RobotCreateDto): Promise<RobotCreated> {
    requireAuthenticated(access);
    const level = req.level as RobotLevel;
    const permissions = normalizePermissions(level, req.permissions as PermissionInput[]);
    const projectName = level === 'project' ? permissions[0].namespace : undefined;
    const nameProblem = robotNameProblem(req.name, projectName, this.config.robotPrefix);
    if (nameProblem) throw badRequest(nameProblem);
    const duration = req.duration ?? 0;
    const badDuration = durationProblem(duration);
    if (badDuration) throw badRequest(badDuration);
    if (req.secret !== undefined && req.secret !== '') {
      const weak = passwordProblem(req.secret);
      if (weak) throw badRequest(`invalid secret: ${weak.replace(/^the password/, 'the secret')}`);
    }

    let project: ProjectRef | undefined;
    if (projectName !== undefined) {
      project = (await this.requireProjects(permissions)).get(projectName);
      if (!project) throw notFound(`project ${projectName} not found`);
      requireProjectAccess(access, project, 'robot', 'create');
      this.requireNoEscalation(access, project, permissions[0]);
    } else {
      requireSysadmin(access);
      await this.requireProjects(permissions);
    }

    const fullName = robotFullName({ name: req.name, project_name: projectName ?? null }, this.config.robotPrefix);
    const secret = req.secret || generateSecret();
    const secretHash = await hashPassword(secret);
    const days = await this.lifetime(duration);
    const duplicate = () => conflict(`robot ${fullName} already exists`);
    try {
      const created = await this.sql.transaction(async (tx) => {
        const id = await this.robots.insert(tx, {
          name: req.name,
          description: req.description ?? '',
          level,
          projectId: project?.id ?? null,
          secretHash,
          duration: days,
          disabled: req.disable ?? false,
          permissions: await this.bound(tx, permissions),
          ...this.creatorOf(access),
        });
        if (id === undefined) throw duplicate();
        await this.audit.recordFor(access, clientIp, { projectId: project?.id ?? null, operation: 'create', resourceType: 'robot', resource: fullName }, tx);
        const row = await this.robots.byId(id, tx);
        if (!row) throw new Error(`robot ${id} vanished inside its own transaction`);
        return row;
      });
      return { id: created.id, name: fullName, secret, creation_time: created.created_at.toISOString(), expires_at: expiresAtSeconds(created.expires_at) };
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate();
      throw err;
    }
  }

  /**
   * GET /robots, as Harbor: `q=Level=project,ProjectID=<id>` lists a project's robots for whoever
   * may list them there; otherwise (or with `Level=system`) the system robots, for administrators.
   */
  async list(access: Access, query: ParsedQuery, sort: SortKey[], paging: Paging): Promise<{ total: number; items: RobotView[] }> {
    requireAuthenticated(access);
    const level = exactValue(takeTerm(query, ['Level', 'level'])) ?? 'system';
    const projectIdText = exactValue(takeTerm(query, ['ProjectID', 'project_id']));
    if (level !== 'system' && level !== 'project') throw badRequest(`bad request error level input: ${level}`);
    let projectId: number | null = null;
    if (level === 'project') {
      if (projectIdText === undefined) throw badRequest('must with project ID when to query project robots');
      if (!/^\d{1,10}$/.test(projectIdText)) throw badRequest('Project ID must be int type.');
      const project = await this.robots.projectById(Number(projectIdText));
      if (!project) throw notFound(`project ${projectIdText} not found`);
      requireProjectAccess(access, project, 'robot', 'list');
      projectId = project.id;
    } else {
      if (projectIdText !== undefined && projectIdText !== '0') throw badRequest('ProjectID applies to project robots only (Level=project)');
      requireSysadmin(access);
    }
    const { total, rows } = await this.robots.list(projectId, query, sort, paging);
    return { total, items: rows.map((row) => this.view(row)) };
  }

  async get(access: Access, id: number): Promise<RobotView> {
    requireAuthenticated(access);
    const robot = await this.robot(id);
    this.authorize(access, robot, 'read');
    return this.view(robot);
  }

  /**
   * PUT /robots/{id}, as Harbor: description, disable, duration and permissions are replaced
   * (absent description and disable mean "" and false); name and level cannot change.
   */
  async update(access: Access, clientIp: string, id: number, req: RobotDto): Promise<void> {
    requireAuthenticated(access);
    const robot = await this.robot(id);
    this.authorize(access, robot, 'update');
    const fullName = robotFullName(robot, this.config.robotPrefix);
    if (req.level !== robot.level || (req.name !== undefined && req.name !== fullName)) throw badRequest('cannot update the level or name of robot');
    if (req.secret) throw badRequest('the secret cannot be set here: use PATCH /robots/{robot_id}');
    const permissions = normalizePermissions(robot.level, req.permissions as PermissionInput[]);
    if (robot.level === 'project' && permissions[0].namespace !== robot.project_name) {
      throw badRequest(`a project robot holds permissions on its own project (${robot.project_name}) only`);
    }
    let duration: number | undefined;
    if (req.duration !== undefined && req.duration !== null && req.duration !== robot.duration) {
      const badDuration = durationProblem(req.duration);
      if (badDuration) throw badRequest(badDuration);
      duration = await this.lifetime(req.duration);
    }
    const projects = await this.requireProjects(permissions);
    if (robot.level === 'project') {
      const project = projects.get(permissions[0].namespace);
      if (project) this.requireNoEscalation(access, project, permissions[0]);
    }
    await this.sql.transaction(async (tx) => {
      const changed = await this.robots.update(tx, id, { description: req.description ?? '', disabled: req.disable ?? false, duration, permissions: await this.bound(tx, permissions) });
      if (!changed) throw notFound(`robot ${id} not found`);
      await this.audit.recordFor(access, clientIp, { projectId: robot.project_id, operation: 'update', resourceType: 'robot', resource: fullName }, tx);
    });
  }

  /** PATCH /robots/{id}: sets the given secret (answered empty) or a generated one (answered once). */
  async refreshSecret(access: Access, clientIp: string, id: number, req: RobotSecDto): Promise<{ secret?: string }> {
    requireAuthenticated(access);
    const robot = await this.robot(id);
    this.authorize(access, robot, 'update');
    let secret: string;
    let answer: { secret?: string };
    if (req.secret !== undefined && req.secret !== '') {
      const weak = passwordProblem(req.secret);
      if (weak) throw badRequest(`invalid secret: ${weak.replace(/^the password/, 'the secret')}`);
      secret = req.secret;
      answer = {};
    } else {
      secret = generateSecret();
      answer = { secret };
    }
    const secretHash = await hashPassword(secret);
    const fullName = robotFullName(robot, this.config.robotPrefix);
    await this.sql.transaction(async (tx) => {
      if (!(await this.robots.setSecret(tx, id, secretHash))) throw notFound(`robot ${id} not found`);
      await this.audit.recordFor(access, clientIp, { projectId: robot.project_id, operation: 'update', resourceType: 'robot', resource: fullName }, tx);
    });
    await this.loginFailures.forget(fullName);
    return answer;
  }

  /** DELETE /robots/{id}/login-failures (not Harbor's): unlocks the robot's name, as for users. */
  async clearLoginFailures(access: Access, clientIp: string, id: number): Promise<void> {
    requireAuthenticated(access);
    const robot = await this.robot(id);
    this.authorize(access, robot, 'update');
    const fullName = robotFullName(robot, this.config.robotPrefix);
    await this.loginFailures.clear(fullName);
    await this.audit.recordFor(access, clientIp, { projectId: robot.project_id, operation: 'update', resourceType: 'robot', resource: fullName });
  }

  async delete(access: Access, clientIp: string, id: number): Promise<void> {
    requireAuthenticated(access);
    const robot = await this.robot(id);
    this.authorize(access, robot, 'delete');
    await this.sql.transaction(async (tx) => {
      if (!(await this.robots.delete(tx, id))) throw notFound(`robot ${id} not found`);
      await this.audit.recordFor(
        access,
        clientIp,
        { projectId: robot.project_id, operation: 'delete', resourceType: 'robot', resource: robotFullName(robot, this.config.robotPrefix) },
        tx,
      );
    });
  }
}
