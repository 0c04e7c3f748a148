import { Inject, Injectable } from '@nestjs/common';
import { retryingConflicts, type Sql, type SqlRunner } from '@wharf/db/plain';
import {
  checkDescriptorUrls,
  Descriptor,
  type DescriptorUrlPolicy,
  digestOf,
  effectiveArtifactType,
  isIndexMediaType,
  OciError,
  parseManifest,
  ParsedManifest,
  parseReference,
  Reference,
  referencedBlobs,
} from '@wharf/oci';
import { StorageDriver } from '@wharf/storage';
import { RegistryCache } from '../cache/registry-cache';
import { CONFIG, SQL, STORAGE } from '../infra/tokens';
import type { RegistryConfig } from '../config';
import { ArtifactStore, type PushedManifest, ResolvedManifest } from '../metadata/artifact.store';
import { BlobStore } from '../metadata/blob.store';
import { isForeignKeyViolation, RepositoryStore } from '../metadata/repository.store';
import { ProjectQuotas } from '../quota/project-quotas';
import { ImmutableTags } from './immutable-tags';
import { ManifestBytesCache } from './manifest-bytes.cache';
import { PullRecorder } from './pull-recorder';
import { ProjectPolicies } from '../projects/project-policies';

export interface ServedManifest extends ResolvedManifest {
  body?: Buffer;
}

/** Layers a registry never holds: foreign/non-distributable layers fetched from their `urls`. */
function isExternal(d: Descriptor): boolean {
  return (d.urls?.length ?? 0) > 0 && /nondistributable|foreign/.test(d.mediaType);
}

/** What the push of `manifest` (its bytes `body`) under `ref` records in `repository`. */
function pushedManifest(repository: string, ref: Reference, digest: string, manifest: ParsedManifest, body: Buffer): PushedManifest {
  return {
    repository,
    digest,
    mediaType: manifest.mediaType,
    artifactType: effectiveArtifactType(manifest) ?? null,
    configMediaType: manifest.config?.mediaType ?? null,
    subjectDigest: manifest.subject?.digest ?? null,
    annotations: manifest.annotations ?? null,
    manifestSize: body.length,
    blobs: referencedBlobs(manifest).filter((d) => !isExternal(d)).map((d) => ({ digest: d.digest, size: d.size })),
    children: manifest.manifests.map((m) => ({ digest: m.digest, platform: m.platform, annotations: m.annotations })),
    tag: ref.kind === 'tag' ? ref.tag : null,
  };
}

@Injectable()
export class ManifestService {
  private readonly bodies: ManifestBytesCache;
  private readonly urlPolicy: DescriptorUrlPolicy;

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(CONFIG) config: RegistryConfig,
    private readonly artifacts: ArtifactStore,
    private readonly blobs: BlobStore,
    private readonly repositories: RepositoryStore,
    private readonly pulls: PullRecorder,
    private readonly cache: RegistryCache,
    private readonly immutable: ImmutableTags,
    private readonly quotas: ProjectQuotas,
    private readonly policies: ProjectPolicies,
  ) {
    this.bodies = new ManifestBytesCache(config.manifestCacheBytes);
    this.urlPolicy = config.manifestUrls;
  }

  /** Resolves a reference under content negotiation; `withBody` also loads the bytes. */
  async get(repository: string, reference: string, accepted: Set<string> | null, withBody: boolean): Promise<ServedManifest> {
    const found = await this.resolve(repository, reference);
    const served = accepted && !accepted.has(found.mediaType) ? await this.negotiate(repository, found, accepted) : found;
    if (!withBody) return served;
    this.pulls.record(served.repositoryId, served.artifactId, served.tagId);
    return { ...served, body: await this.bytes(served.digest) };
  }

  /**
   * A reference that is neither a valid tag nor a valid digest names nothing the repository can
   * hold: reading it is MANIFEST_UNKNOWN (as in distribution and Harbor, and as the OCI conformance
   * suite expects), while pushing to it stays a 400 that says what is wrong with it.
   */
  private async resolve(repository: string, reference: string): Promise<ResolvedManifest> {
    const unknown = () => new OciError('MANIFEST_UNKNOWN', `manifest ${reference} is unknown to repository ${repository}`, { reference });
    let ref: Reference;
    try {
      ref = parseReference(reference);
    } catch (err) {
      if (err instanceof OciError) throw unknown();
      throw err;
    }
    const found = await this.cache.readThrough(this.cache.manifests, repository, reference, () =>
      ref.kind === 'tag' ? this.artifacts.resolveTag(repository, ref.tag) : this.artifacts.resolveDigest(repository, ref.digest),
    );
    if (!found) throw unknown();
    return found;
  }

  /**
   * A client that cannot read an index gets the linux/amd64 image it lists (what old Docker clients
   * expect); any other unacceptable type is "unknown" to that client, as in distribution.
   */
  private async negotiate(repository: string, found: ResolvedManifest, accepted: Set<string>): Promise<ResolvedManifest> {
    if (isIndexMediaType(found.mediaType)) {
      const index = JSON.parse((await this.bytes(found.digest)).toString('utf8')) as { manifests?: Descriptor[] };
      const child = (index.manifests ?? []).find(
        (m) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64' && accepted.has(m.mediaType),
      );
      const resolved = child && (await this.artifacts.resolveDigest(repository, child.digest));
      if (resolved) return resolved;
    }
    throw new OciError('MANIFEST_UNKNOWN', `manifest ${found.digest} is ${found.mediaType}, which the Accept header does not allow`, {
      digest: found.digest,
      mediaType: found.mediaType,
    });
  }

  private async bytes(digest: string): Promise<Buffer> {
    const hit = this.bodies.get(digest);
    if (hit) return hit;
    const body = await this.storage.readAll(digest);
    this.bodies.set(digest, body);
    return body;
  }

  /** Validates and records a pushed manifest; returns its digest and parsed form. `pusher` is named if a quota refuses it. */
  async put(repository: string, reference: string, contentType: string | undefined, body: Buffer, pusher: string): Promise<{ digest: string; manifest: ParsedManifest }> {
    const ref = parseReference(reference);
    const manifest = parseManifest(body, contentType);
    checkDescriptorUrls(manifest, this.urlPolicy);
    const digest = digestOf(body, ref.kind === 'digest' ? ref.algorithm : 'sha256');
    if (ref.kind === 'digest' && ref.digest !== digest) {
      throw new OciError('DIGEST_INVALID', `manifest digest ${digest} does not match reference ${ref.digest}`);
    }
    // Bytes first: invisible until the row below commits, and identical if written twice.
    await this.storage.putBlob(digest, body);
    const pushed = pushedManifest(repository, ref, digest, manifest, body);
    try {
      await this.quotas.charging(repository, digest, pusher, () =>
        retryingConflicts(async () => {
          if (!(await this.recordDirectly(pushed))) await this.recordGuarded(pushed);
        }),
      );
    } catch (err) {
      // Checked present a moment ago, gone at insert: garbage collection deleted a blob or child
      // manifest nothing referenced. Nothing was recorded; the client pushes it again.
      if (!isForeignKeyViolation(err)) throw err;
      throw new OciError('MANIFEST_BLOB_UNKNOWN', `a blob or manifest referenced by ${digest} was deleted by garbage collection while it was pushed; push it again`);
    }
    this.bodies.set(digest, body);
    return { digest, manifest };
  }

  /**
   * The common push (a project without immutable tag rules, every reference present) as the
   * recording statement alone, with its own change notification: false when it does not apply or
   * a check failed, and then nothing was written. The statement's own quota triggers hold the
   * project to its storage limit.
   */
  private async recordDirectly(pushed: PushedManifest): Promise<boolean> {
    const policy = await this.policies.of(pushed.repository);
    if (policy.immutableRules.length > 0) return false;
    return this.cache.writeStatement(pushed.repository, (channel) => this.artifacts.record(pushed, this.sql, channel));
  }

  /**
   * The recording statement in a transaction that also creates the repository if need be and
   * refuses moving an immutable tag; when the statement's checks fail, says which reference is
   * missing or wrong.
   */
  private recordGuarded(pushed: PushedManifest): Promise<void> {
    const { repository, tag, digest } = pushed;
    return this.cache.write(this.sql, repository, async (tx) => {
      const repositoryId = await this.repositories.ensure(repository, tx);
      if (tag !== null) await this.immutable.checkPush(tx, repository, repositoryId, tag, digest);
      if (!(await this.artifacts.record(pushed, tx, null))) throw await this.refusal(pushed, repositoryId, tx);
    });
  }

  /** Why the recording statement refused `pushed`: the first reference the repository lacks or whose size differs. */
  private async refusal(pushed: PushedManifest, repositoryId: string, tx: SqlRunner): Promise<OciError> {
    const { repository } = pushed;
    const blobs = await this.blobs.findManyInRepository(repositoryId, pushed.blobs.map((d) => d.digest), tx);
    for (const d of pushed.blobs) {
      const blob = blobs.get(d.digest);
      if (!blob) return new OciError('MANIFEST_BLOB_UNKNOWN', `blob ${d.digest} is unknown to repository ${repository}`, { digest: d.digest });
      if (blob.size !== d.size) {
        return new OciError('MANIFEST_INVALID', `descriptor of ${d.digest} says ${d.size} bytes, the blob has ${blob.size}`, { digest: d.digest });
      }
    }
    const children = await this.artifacts.existing(repositoryId, pushed.children.map((c) => c.digest), tx);
    const missing = pushed.children.find((c) => !children.has(c.digest));
    if (missing) return new OciError('MANIFEST_BLOB_UNKNOWN', `manifest ${missing.digest} is unknown to repository ${repository}`, { digest: missing.digest });
    // Every reference is there now: one went and came back between the statement and this look.
    return new OciError('MANIFEST_BLOB_UNKNOWN', `a blob or manifest referenced by ${pushed.digest} changed while it was pushed; push it again`);
  }

  /** By tag: removes that tag only. By digest: removes the artifact and all its tags. */
  async delete(repository: string, reference: string): Promise<void> {
    const ref = parseReference(reference);
    if (ref.kind === 'tag') {
      await this.immutable.checkTagDelete(repository, ref.tag);
      if (!(await this.artifacts.deleteTag(repository, ref.tag))) {
        throw new OciError('MANIFEST_UNKNOWN', `tag ${ref.tag} is unknown to repository ${repository}`, { tag: ref.tag });
      }
      return;
    }
    await this.immutable.checkArtifactDelete(repository, ref.digest);
    const outcome = await this.artifacts.delete(repository, ref.digest);
    if (outcome === 'unknown') throw new OciError('MANIFEST_UNKNOWN', `manifest ${ref.digest} is unknown to repository ${repository}`, { digest: ref.digest });
    if (outcome !== 'deleted') {
      throw new OciError('CONFLICT', `manifest ${ref.digest} is referenced by index ${outcome.referencedBy}; delete the index first`, {
        digest: ref.digest,
        referencedBy: outcome.referencedBy,
      });
    }
  }
}
