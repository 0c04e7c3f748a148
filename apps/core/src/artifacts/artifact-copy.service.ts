import { Injectable } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { isValidRepositoryName, isValidTag, parseReference } from '@wharf/oci';
import { AuditService } from '../audit/audit.service';
import { badRequest, HarborError, precondition } from '../http/harbor-error';
import { ImmutableTags } from '../immutable/immutable-tags';
import { DeletionEvents } from '../repositories/deletion-events';
import { ProjectAccess } from '../repositories/project-access';
import { RegistryCacheNotifier } from '../repositories/registry-cache-notifier';
import { fullRepositoryName } from '../repositories/repository-name';
import { RepositoryStore } from '../repositories/repository.store';
import { ArtifactCopyStore, CopiedArtifact } from './artifact-copy.store';
import { type ArtifactReference, describeReference } from './artifact-reference';
import { ArtifactStore } from './artifact.store';

/** The artifact a copy's `from` names: `project/repository:tag` or `project/repository@digest`. */
export interface CopySource {
  project: string;
  repository: string;
  ref: ArtifactReference;
  /** The reference as written, for the Location of the copy. */
  reference: string;
}

/** Parses `from` as Harbor does (a digest wins over a tag); anything else is 400. */
export function parseCopySource(from: string | undefined): CopySource {
  const invalid = () => badRequest(`invalid input: ${from ?? ''}`);
  if (from === undefined || from === '') throw badRequest('the from parameter is required: project/repository:tag or project/repository@digest');
  let rest = from;
  let ref: ArtifactReference | undefined;
  let reference = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    try {
      const parsed = parseReference(reference);
      if (parsed.kind !== 'digest') throw invalid();
      ref = { kind: 'digest', digest: parsed.digest };
    } catch {
      throw invalid();
    }
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    const tag = rest.slice(colon + 1);
    if (!isValidTag(tag)) throw invalid();
    if (!ref) {
      ref = { kind: 'tag', tag };
      reference = tag;
    }
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  if (!ref || slash <= 0 || !isValidRepositoryName(rest)) throw invalid();
  return { project: rest.slice(0, slash), repository: rest, ref, reference };
}

/** SQLSTATE of the quota trigger's refusal (migration 0014); its detail holds the figures as JSON. */
const QUOTA_EXCEEDED = 'WQ001';

function quotaRefusal(err: unknown): HarborError | undefined {
  const e = err as { code?: string; detail?: string } | undefined;
  if (e?.code !== QUOTA_EXCEEDED) return undefined;
  let figures = '';
  try {
    const d = JSON.parse(e.detail ?? '{}') as Record<string, unknown>;
    figures = `: adding ${String(d['adding'])} bytes to project ${String(d['project'])}, which uses ${String(d['used'])} bytes, would pass its limit of ${String(d['hard'])} bytes`;
  } catch {
    // The refusal stands without its figures.
  }
  return new HarborError('DENIED', `quota exceeded${figures}`);
}

/**
 * Harbor's artifact copy (POST /projects/{p}/repositories/{r}/artifacts?from=...): the artifact,
 * its index children and its accessories land in the destination repository with the tags of
 * every artifact the copy created (the root's always), in one transaction that registry caches
 * learn about before the answer.
 */
@Injectable()
export class ArtifactCopyService {
  constructor(
    private readonly projects: ProjectAccess,
    private readonly repositories: RepositoryStore,
    private readonly artifacts: ArtifactStore,
    private readonly store: ArtifactCopyStore,
    private readonly cache: RegistryCacheNotifier,
    private readonly immutable: ImmutableTags,
    private readonly audit: AuditService,
    private readonly events: DeletionEvents,
  ) {}

  /** Copies; returns the reference (as `from` gave it) the new artifact is found under. */
  async copy(access: Access, clientIp: string, projectName: string, repositoryParam: string, from: string | undefined): Promise<string> {
    const project = await this.projects.require(access, projectName, 'artifact', 'create');
    const target = fullRepositoryName(projectName, repositoryParam);
    const source = parseCopySource(from);
    await this.projects.require(access, source.project, 'artifact', 'read');
    const missing = () => badRequest(`artifact ${from ?? ''} not found`);
    const sourceRepository = await this.repositories.byName(source.repository);
    if (!sourceRepository) throw missing();
    let announced: { digest: string; tags: string[] }[];
    try {
      announced = await this.cache.write(async (tx, changed) => {
        const root = await this.artifacts.resolve(sourceRepository.id, source.ref, tx);
        if (!root) throw missing();
        if (await this.store.isAccessory(tx, root.id)) throw new HarborError('DENIED', "the operation isn't supported for an artifact accessory");
        const targetId = await this.store.ensureRepository(tx, target, project.id);
        const copied = await this.store.copyTree(tx, sourceRepository.id, root.id, targetId);
        await this.store.copyReferences(tx, copied);
        const tagged = copied.filter((c) => c.created || c.source_id === root.id);
        const wanted = await this.store.wantedTags(tx, targetId, tagged);
        const immutability = await this.immutable.ofProject(project.id, tx);
        for (const tag of wanted) {
          if (tag.current_artifact_id === tag.artifact_id) continue;
          if (tag.current_artifact_id !== null && immutability.isImmutable(target, tag.name)) {
            throw precondition(`the tag ${tag.name} configured as immutable, cannot be updated`);
          }
          await this.store.putTag(tx, targetId, tag.artifact_id, tag.name);
        }
        changed(target);
        for (const artifact of tagged) {
          const firstTag = wanted.find((t) => t.artifact_id === artifact.id)?.name;
          const resource = auditResource(target, artifact, firstTag);
          const description = `push artifact: ${target}@${artifact.digest}`;
          await this.audit.recordFor(access, clientIp, { projectId: project.id, operation: 'create', resourceType: 'artifact', resource, description }, tx);
        }
        return tagged.map((artifact) => ({ digest: artifact.digest, tags: wanted.filter((t) => t.artifact_id === artifact.id).map((t) => t.name) }));
      });
    } catch (err) {
      throw quotaRefusal(err) ?? err;
    }
    // As Harbor: every artifact the copy made (and the root) is pushed, for webhooks and the like.
    await this.events.pushed(access, target, announced);
    return source.reference;
  }
}

/** As Harbor's push events name an artifact: by its first tag, else by digest. */
function auditResource(repository: string, artifact: CopiedArtifact, tag: string | undefined): string {
  return describeReference(repository, tag === undefined ? { kind: 'digest', digest: artifact.digest } : { kind: 'tag', tag });
}
