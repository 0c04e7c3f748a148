import { Injectable } from '@nestjs/common';
import type { Access, Action, ProjectRef, Resource } from '@wharf/auth';
import { AuditService } from '../audit/audit.service';
import { requireAuthenticated } from '../auth/authorize';
import { badRequest, conflict, notFound, precondition } from '../http/harbor-error';
import type { Paging } from '../http/paging';
import type { ParsedQuery, QueryTerm, SortKey } from '../http/query';
import type { ListRequest } from '../http/query-param';
import { ImmutableTags } from '../immutable/immutable-tags';
import { LabelStore } from '../labels/label.store';
import { LabelsService } from '../labels/labels.service';
import { DeletionEvents } from '../repositories/deletion-events';
import { ProjectAccess } from '../repositories/project-access';
import { RegistryCacheNotifier } from '../repositories/registry-cache-notifier';
import { fullRepositoryName } from '../repositories/repository-name';
import { RepositoryRecord, RepositoryStore } from '../repositories/repository.store';
import { ArtifactContent } from './artifact-content';
import { artifactReference, describeReference } from './artifact-reference';
import { ArtifactRecord, ArtifactStore, DeletedArtifact } from './artifact.store';
import { AccessoryView, accessoryView, ArtifactView, artifactView } from './artifact-view';

/** What to attach to each artifact (Harbor's with_* parameters). */
export interface ArtifactOptions {
  withTag: boolean;
  withLabel: boolean;
  withAccessory: boolean;
  withImmutableStatus: boolean;
}

export interface Located {
  project: ProjectRef;
  repository: RepositoryRecord;
}

/** Artifacts of a repository: Harbor's /projects/{p}/repositories/{r}/artifacts API. */
@Injectable()
export class ArtifactsService {
  constructor(
    private readonly projects: ProjectAccess,
    private readonly repositories: RepositoryStore,
    private readonly artifacts: ArtifactStore,
    private readonly cache: RegistryCacheNotifier,
    private readonly audit: AuditService,
    private readonly immutable: ImmutableTags,
    private readonly events: DeletionEvents,
    private readonly labelStore: LabelStore,
    private readonly labels: LabelsService,
    private readonly content: ArtifactContent,
  ) {}

  /** The project (404, then 401/403 per the matrix) and the repository in it (404). */
  async locate(access: Access, projectName: string, repositoryParam: string, resource: Resource, action: Action): Promise<Located> {
    const project = await this.projects.require(access, projectName, resource, action);
    const name = fullRepositoryName(projectName, repositoryParam);
    const repository = await this.repositories.byName(name);
    if (!repository) throw notFound(`repository ${name} not found`);
    return { project, repository };
  }

  /** The views of artifacts of `project` (of one repository or several), with what `options` asks for. */
  private async views(rows: ArtifactRecord[], project: ProjectRef, options: ArtifactOptions): Promise<ArtifactView[]> {
    const ids = rows.map((r) => r.id);
    await this.content.ensureMetadata(rows);
    const repositoryIds = [...new Set(rows.map((r) => r.repository_id))];
    const [tags, references, accessories, immutability, labels] = await Promise.all([
      options.withTag ? this.artifacts.tagsOf(ids) : Promise.resolve(undefined),
      this.artifacts.referencesOf(ids),
      options.withAccessory
        ? Promise.all(repositoryIds.map((id) => this.artifacts.accessoriesOf(id, rows.filter((r) => r.repository_id === id).map((r) => r.digest)))).then((lists) =>
            lists.flat(),
          )
        : Promise.resolve(undefined),
      options.withTag && options.withImmutableStatus ? this.immutable.ofProject(project.id) : Promise.resolve(undefined),
      options.withLabel ? this.labelStore.ofArtifacts(ids) : Promise.resolve(undefined),
    ]);
    return rows.map((row) =>
      artifactView(row, {
        tags: tags?.filter((t) => t.artifact_id === row.id),
        references: references.filter((r) => r.parent_id === row.id),
        accessories: accessories?.filter((a) => a.subject_digest === row.digest && a.repository_id === row.repository_id),
        labels: labels?.filter((l) => l.artifact_id === row.id),
        isImmutable: immutability && ((tag: string) => immutability.isImmutable(row.repository_name, tag)),
      }),
    );
  }

  async list(
    access: Access,
    projectName: string,
    repositoryParam: string,
    filter: { query: ParsedQuery; sort: SortKey[]; paging: Paging },
    options: ArtifactOptions,
  ): Promise<{ total: number; items: ArtifactView[] }> {
    const located = await this.locate(access, projectName, repositoryParam, 'artifact', 'list');
    const { total, rows } = await this.artifacts.list(located.repository.id, filter);
    return { total, items: await this.views(rows, located.project, options) };
  }

  /**
   * GET /projects/{p}/artifacts: the artifacts of every repository of the project (Harbor asks for
   * an authenticated caller first, even in a public project). With `latestInRepository`, the last
   * pushed of each repository among those of the one `media_type` or `artifact_type` the query
   * names exactly.
   */
  async listOfProject(
    access: Access,
    nameOrId: string,
    isName: boolean,
    filter: ListRequest,
    options: ArtifactOptions & { latestInRepository: boolean },
  ): Promise<{ total: number; items: ArtifactView[] }> {
    requireAuthenticated(access);
    const project = await this.projects.requireByNameOrId(access, nameOrId, isName, 'artifact', 'list');
    let result: { total: number; rows: ArtifactRecord[] };
    if (options.latestInRepository) {
      const mediaType = filter.query.get('media_type');
      const artifactType = filter.query.get('artifact_type');
      if ((mediaType === undefined) === (artifactType === undefined)) throw badRequest('latest_in_repository needs exactly one of media_type and artifact_type in q');
      const [field, term] = mediaType !== undefined ? (['media_type', mediaType] as const) : (['artifact_type', artifactType as QueryTerm] as const);
      if (term.kind !== 'exact' || term.value === '') throw badRequest(`latest_in_repository needs an exact, non-empty ${field} in q`);
      result = await this.artifacts.latestOfProject(project.id, field, term.value, filter);
    } else {
      result = await this.artifacts.listOfProject(project.id, filter);
    }
    return { total: result.total, items: await this.views(result.rows, project, options) };
  }

  async get(access: Access, projectName: string, repositoryParam: string, reference: string, options: ArtifactOptions): Promise<ArtifactView> {
    const located = await this.locate(access, projectName, repositoryParam, 'artifact', 'read');
    const { repository } = located;
    const ref = artifactReference(reference);
    const row = await this.artifacts.resolve(repository.id, ref);
    if (!row) throw notFound(`artifact ${describeReference(repository.name, ref)} not found`);
    return (await this.views([row], located.project, options))[0];
  }

  /** The accessories of an artifact (signatures, SBOMs, other referrers), as Harbor lists them. */
  async accessories(access: Access, projectName: string, repositoryParam: string, reference: string, list: ListRequest): Promise<{ total: number; items: AccessoryView[] }> {
    const { repository } = await this.locate(access, projectName, repositoryParam, 'accessory', 'list');
    const ref = artifactReference(reference);
    const subject = await this.artifacts.resolve(repository.id, ref);
    if (!subject) throw notFound(`artifact ${describeReference(repository.name, ref)} not found`);
    const { total, rows } = await this.artifacts.listAccessories(subject, list);
    return { total, items: rows.map((row) => accessoryView(row, subject)) };
  }

  /**
   * Attaches a label (Harbor's addLabel): a global one to any artifact, a project label only to
   * artifacts of its project (404 otherwise); 409 when the artifact carries it already.
   */
  async addLabel(access: Access, projectName: string, repositoryParam: string, reference: string, labelId: number): Promise<void> {
    const { project, repository } = await this.locate(access, projectName, repositoryParam, 'artifact-label', 'create');
    await this.labels.attachable(labelId, project);
    const ref = artifactReference(reference);
    const row = await this.artifacts.resolve(repository.id, ref);
    if (!row) throw notFound(`artifact ${describeReference(repository.name, ref)} not found`);
    const result = await this.labelStore.attach(labelId, row.id);
    if (result === 'exists') throw conflict(`label ${labelId} is already added to the artifact ${describeReference(repository.name, ref)}`);
    if (result === 'gone') throw notFound(`label ${labelId} or artifact ${describeReference(repository.name, ref)} not found`);
  }

  /** Detaches a label (Harbor's removeLabel); 404 when the artifact does not carry it. */
  async removeLabel(access: Access, projectName: string, repositoryParam: string, reference: string, labelId: number): Promise<void> {
    const { repository } = await this.locate(access, projectName, repositoryParam, 'artifact-label', 'delete');
    const ref = artifactReference(reference);
    const row = await this.artifacts.resolve(repository.id, ref);
    if (!row) throw notFound(`artifact ${describeReference(repository.name, ref)} not found`);
    if (!(await this.labelStore.detach(labelId, row.id))) {
      throw notFound(`label ${labelId} is not added to the artifact ${describeReference(repository.name, ref)}`);
    }
  }

  /**
   * Deletes the artifact (by digest or tag) deeply; registry caches forget it before the answer.
   * Refused (412, nothing deleted) when an immutable tag would go with it. Each artifact that went
   * is announced as a DELETE_ARTIFACT event.
   */
  async delete(access: Access, clientIp: string, projectName: string, repositoryParam: string, reference: string): Promise<void> {
    const { project, repository } = await this.locate(access, projectName, repositoryParam, 'artifact', 'delete');
    const ref = artifactReference(reference);
    const deleted = await this.cache.write(async (tx, changed) => {
      const row = await this.artifacts.resolve(repository.id, ref, tx);
      if (!row) throw notFound(`artifact ${describeReference(repository.name, ref)} not found`);
      const immutability = await this.immutable.ofProject(project.id, tx);
      const deleted = await this.artifacts.deleteDeeply(tx, row.id);
      // Checked on what the delete removed (the artifact's tags and those of accessories that went
      // with it); throwing rolls the whole delete back.
      refuseImmutable(repository.name, row.digest, deleted, (tags) => immutability.among(repository.name, tags));
      changed(repository.name);
      for (const { digest } of deleted) {
        await this.audit.recordFor(access, clientIp, { projectId: project.id, operation: 'delete', resourceType: 'artifact', resource: `${repository.name}@${digest}` }, tx);
      }
      return deleted;
    });
    await this.events.published(access, repository.name, deleted);
  }
}

function refuseImmutable(repository: string, digest: string, deleted: DeletedArtifact[], immutableAmong: (tags: string[]) => string[]): void {
  for (const artifact of deleted) {
    const locked = immutableAmong(artifact.tags);
    if (locked.length === 0) continue;
    const tags = `${locked.length === 1 ? 'tag' : 'tags'} ${locked.join(', ')}`;
    if (artifact.digest === digest) throw precondition(`the artifact ${repository}@${digest} carries the immutable ${tags} and cannot be deleted`);
    throw precondition(`the artifact ${repository}@${digest} cannot be deleted: ${artifact.digest}, which would go with it, carries the immutable ${tags}`);
  }
}
