import { Inject, Injectable } from '@nestjs/common';
import type { Access, ProjectRole } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { AuditService } from '../audit/audit.service';
import { requireProjectAccess } from '../auth/authorize';
import { badRequest, conflict, notFound } from '../http/harbor-error';
import type { Paging } from '../http/paging';
import { isUniqueViolation } from '../infra/pg-errors';
import { SQL } from '../infra/tokens';
import { LdapService } from '../ldap/ldap.service';
import { projectRef } from '../projects/project-view';
import { ProjectsService } from '../projects/projects.service';
import type { ProjectRecord } from '../projects/project.repository';
import type { ProjectMemberDto, UserEntityDto, UserGroupDto } from './dto/project-member.dto';
import { MemberRepository } from './member.repository';
import { memberEntity, ProjectMemberEntity } from './member-view';

/** Harbor's operation_description of a member change: "create user member alice in project p". */
function memberDescription(operation: 'create' | 'update' | 'delete', entityType: string, name: string, project: string): string {
  const kind = entityType === 'g' ? 'group' : 'user';
  return `${operation} ${kind} member ${name} ${operation === 'delete' ? 'from' : 'in'} project ${project}`;
}

interface Entity {
  userId?: number;
  groupId?: number;
  name: string;
}

/** Project membership: Harbor's /projects/{project_name_or_id}/members API. */
@Injectable()
export class MembersService {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly projects: ProjectsService,
    private readonly members: MemberRepository,
    private readonly audit: AuditService,
    private readonly ldap: LdapService,
  ) {}

  async list(access: Access, nameOrId: string, isName: boolean, entityName: string | undefined, paging: Paging): Promise<{ total: number; items: ProjectMemberEntity[] }> {
    const project = await this.projects.resolve(nameOrId, isName);
    requireProjectAccess(access, projectRef(project), 'member', 'list');
    const { total, rows } = await this.members.list(project.id, entityName, paging);
    return { total, items: rows.map(memberEntity) };
  }

  async get(access: Access, nameOrId: string, isName: boolean, memberId: number): Promise<ProjectMemberEntity> {
    const project = await this.projects.resolve(nameOrId, isName);
    requireProjectAccess(access, projectRef(project), 'member', 'read');
    const member = await this.members.byId(project.id, memberId);
    if (!member) throw notFound(`member ${memberId} not found in project ${project.name}`);
    return memberEntity(member);
  }

  async create(access: Access, clientIp: string, nameOrId: string, isName: boolean, req: ProjectMemberDto): Promise<number> {
    const project = await this.projects.resolve(nameOrId, isName);
    requireProjectAccess(access, projectRef(project), 'member', 'create');
    let entity: Entity;
    if (req.member_user && !req.member_group) entity = await this.user(req.member_user);
    else if (req.member_group && !req.member_user) entity = await this.group(req.member_group);
    else throw badRequest('exactly one of member_user and member_group is required');
    try {
      return await this.sql.transaction(async (tx) => {
        const id = await this.members.insert(tx, { projectId: project.id, userId: entity.userId, groupId: entity.groupId, role: req.role_id as ProjectRole });
        if (id === undefined) throw this.duplicate(entity, project);
        const description = memberDescription('create', entity.groupId === undefined ? 'u' : 'g', entity.name, project.name);
        await this.audit.recordFor(access, clientIp, { projectId: project.id, operation: 'create', resourceType: 'project_member', resource: entity.name, description }, tx);
        return id;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw this.duplicate(entity, project);
      throw err;
    }
  }

  async updateRole(access: Access, clientIp: string, nameOrId: string, isName: boolean, memberId: number, role: ProjectRole): Promise<void> {
    const project = await this.projects.resolve(nameOrId, isName);
    requireProjectAccess(access, projectRef(project), 'member', 'update');
    await this.sql.transaction(async (tx) => {
      const member = await this.members.byId(project.id, memberId, tx);
      if (!member || !(await this.members.updateRole(tx, project.id, memberId, role))) throw notFound(`member ${memberId} not found in project ${project.name}`);
      const description = memberDescription('update', member.user_id !== null ? 'u' : 'g', member.entity_name, project.name);
      await this.audit.recordFor(access, clientIp, { projectId: project.id, operation: 'update', resourceType: 'project_member', resource: member.entity_name, description }, tx);
    });
  }

  async delete(access: Access, clientIp: string, nameOrId: string, isName: boolean, memberId: number): Promise<void> {
    const project = await this.projects.resolve(nameOrId, isName);
    requireProjectAccess(access, projectRef(project), 'member', 'delete');
    await this.sql.transaction(async (tx) => {
      const member = await this.members.byId(project.id, memberId, tx);
      if (!member || !(await this.members.delete(tx, project.id, memberId))) throw notFound(`member ${memberId} not found in project ${project.name}`);
      const description = memberDescription('delete', member.user_id !== null ? 'u' : 'g', member.entity_name, project.name);
      await this.audit.recordFor(access, clientIp, { projectId: project.id, operation: 'delete', resourceType: 'project_member', resource: member.entity_name, description }, tx);
    });
  }

  private duplicate(entity: Entity, project: ProjectRecord) {
    return conflict(`${entity.name} is already a member of project ${project.name}`);
  }

  private async user(ref: UserEntityDto): Promise<Entity> {
    if (ref.user_id === undefined && !ref.username) throw badRequest('member_user needs user_id or username');
    const row =
      ref.user_id !== undefined
        ? await this.sql.one<{ id: number; username: string }>('SELECT id, username FROM app_user WHERE id = $1', [ref.user_id])
        : await this.sql.one<{ id: number; username: string }>('SELECT id, username FROM app_user WHERE lower(username) = lower($1)', [ref.username]);
    if (!row) throw notFound(`user ${ref.user_id ?? ref.username} not found`);
    if (ref.user_id !== undefined && ref.username && ref.username.toLowerCase() !== row.username.toLowerCase()) {
      throw badRequest(`user_id ${ref.user_id} is not user ${ref.username}`);
    }
    return { userId: row.id, name: row.username };
  }

  /** Groups come from the directory: at login, or (LDAP mode, by DN) when first made a member. */
  private async group(ref: UserGroupDto): Promise<Entity> {
    let row: { id: number; group_name: string } | undefined;
    if (ref.id !== undefined) {
      row = await this.sql.one('SELECT id, group_name FROM user_group WHERE id = $1', [ref.id]);
    } else if (ref.ldap_group_dn) {
      row = await this.sql.one('SELECT id, group_name FROM user_group WHERE lower(ldap_dn) = lower($1)', [ref.ldap_group_dn]);
      // In LDAP mode a group nobody has logged in with yet is taken from the directory.
      row ??= await this.ldap.onboardGroup(ref.ldap_group_dn, ref.group_name);
    } else if (ref.group_name) {
      row = await this.sql.one('SELECT id, group_name FROM user_group WHERE group_name = $1 AND ($2::int IS NULL OR group_type = $2::int) ORDER BY id LIMIT 1', [
        ref.group_name,
        ref.group_type ?? null,
      ]);
    } else {
      throw badRequest('member_group needs id, ldap_group_dn or group_name');
    }
    if (!row) throw notFound(`user group ${ref.id ?? ref.ldap_group_dn ?? ref.group_name} not found`);
    return { groupId: row.id, name: row.group_name };
  }
}
