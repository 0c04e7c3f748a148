import { Injectable } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { isValidTag } from '@wharf/oci';
import { AuditService } from '../audit/audit.service';
import { badRequest, conflict, notFound, precondition } from '../http/harbor-error';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { ImmutableTags } from '../immutable/immutable-tags';
import { isUniqueViolation } from '../infra/pg-errors';
import { RegistryCacheNotifier } from '../repositories/registry-cache-notifier';
import { artifactReference, describeReference } from './artifact-reference';
import { ArtifactStore } from './artifact.store';
import { TagView, tagView } from './artifact-view';
import { ArtifactsService } from './artifacts.service';

/** Tags of an artifact: Harbor's /projects/{p}/repositories/{r}/artifacts/{reference}/tags API. */
@Injectable()
export class TagsService {
  constructor(
    private readonly located: ArtifactsService,
    private readonly artifacts: ArtifactStore,
    private readonly cache: RegistryCacheNotifier,
    private readonly audit: AuditService,
    private readonly immutable: ImmutableTags,
  ) {}

  async list(
    access: Access,
    projectName: string,
    repositoryParam: string,
    reference: string,
    filter: { query: ParsedQuery; sort: SortKey[]; paging: Paging },
    withImmutableStatus: boolean,
  ): Promise<{ total: number; items: TagView[] }> {
    const { project, repository } = await this.located.locate(access, projectName, repositoryParam, 'tag', 'list');
    const ref = artifactReference(reference);
    const artifact = await this.artifacts.resolve(repository.id, ref);
    if (!artifact) throw notFound(`artifact ${describeReference(repository.name, ref)} not found`);
    const { total, rows } = await this.artifacts.listTags(artifact.id, filter.query, filter.sort, filter.paging);
    const immutability = withImmutableStatus ? await this.immutable.ofProject(project.id) : undefined;
    return { total, items: rows.map((row) => tagView(row, immutability?.isImmutable(repository.name, row.name) ?? false)) };
  }

  /** Adds a tag; a name the repository already uses is 409, as Harbor (tags never move here). */
  async create(access: Access, clientIp: string, projectName: string, repositoryParam: string, reference: string, name: string): Promise<void> {
    const { project, repository } = await this.located.locate(access, projectName, repositoryParam, 'tag', 'create');
    const ref = artifactReference(reference);
    if (!isValidTag(name)) throw badRequest(`invalid tag name ${JSON.stringify(name)}: 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'`);
    const taken = () => conflict(`the tag ${name} already exists in ${repository.name}`);
    try {
      await this.cache.write(async (tx, changed) => {
        const artifact = await this.artifacts.resolve(repository.id, ref, tx);
        if (!artifact) throw notFound(`artifact ${describeReference(repository.name, ref)} not found`);
        const id = await this.artifacts.createTag(tx, repository.id, artifact.id, name);
        if (id === undefined) throw taken();
        changed(repository.name);
        await this.audit.recordFor(access, clientIp, { projectId: project.id, operation: 'create', resourceType: 'tag', resource: `${repository.name}:${name}` }, tx);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw taken();
      throw err;
    }
  }

  /** Removes a tag from its artifact; an immutable one is refused (412). */
  async delete(access: Access, clientIp: string, projectName: string, repositoryParam: string, reference: string, name: string): Promise<void> {
    const { project, repository } = await this.located.locate(access, projectName, repositoryParam, 'tag', 'delete');
    const ref = artifactReference(reference);
    await this.cache.write(async (tx, changed) => {
      const artifact = await this.artifacts.resolve(repository.id, ref, tx);
      if (!artifact) throw notFound(`artifact ${describeReference(repository.name, ref)} not found`);
      // A tag that is not there is a 404 whatever the rules say about its name.
      const immutability = await this.immutable.ofProject(project.id, tx);
      if (immutability.isImmutable(repository.name, name) && (await this.artifacts.hasTag(tx, artifact.id, name))) {
        throw precondition(`the tag ${name} of ${repository.name} is immutable and cannot be deleted`);
      }
      if (!(await this.artifacts.deleteTag(tx, artifact.id, name))) throw notFound(`tag ${name} attached to artifact ${artifact.id} not found`);
      changed(repository.name);
      await this.audit.recordFor(access, clientIp, { projectId: project.id, operation: 'delete', resourceType: 'tag', resource: `${repository.name}:${name}` }, tx);
    });
  }
}
