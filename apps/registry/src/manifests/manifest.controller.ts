import { Controller, Delete, Get, Head, Inject, Param, Put, Req, Res, UseGuards } from '@nestjs/common';
import { EventType } from '@wharf/jobs/events';
import { MAX_MANIFEST_BYTES } from '@wharf/oci';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RegistryAudit } from '../audit/registry-audit';
import { REGISTRY_AUTHORIZER, RegistryAuthorizer } from '../auth/access';
import { RegistryAccessGuard, RequireAccess } from '../auth/registry-access.guard';
import { RegistryEvents } from '../events/registry-events';
import { readBody } from '../http/request-body';
import { acceptedTypes } from './accept';
import { ManifestService, ServedManifest } from './manifest.service';

@Controller('v2')
@UseGuards(RegistryAccessGuard)
export class ManifestController {
  constructor(
    private readonly manifests: ManifestService,
    private readonly audit: RegistryAudit,
    private readonly events: RegistryEvents,
    @Inject(REGISTRY_AUTHORIZER) private readonly authorizer: RegistryAuthorizer,
  ) {}

  @Head(':name/manifests/:reference')
  @RequireAccess('pull')
  async head(@Param('name') name: string, @Param('reference') reference: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const m = await this.manifests.get(name, reference, acceptedTypes(req.headers.accept), false);
    this.headers(reply, m).send();
  }

  @Get(':name/manifests/:reference')
  @RequireAccess('pull')
  async get(@Param('name') name: string, @Param('reference') reference: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const m = await this.manifests.get(name, reference, acceptedTypes(req.headers.accept), true);
    this.headers(reply, m).send(m.body);
    // Harbor counts a GET of a manifest as a pull; HEAD (existence checks) is not one.
    this.audit.record(req, 'pull', name, reference, m.digest);
    this.publish(req, EventType.PullArtifact, name, reference, m.digest, m.mediaType, m.size);
  }

  @Put(':name/manifests/:reference')
  @RequireAccess('pull', 'push')
  async put(@Param('name') name: string, @Param('reference') reference: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = await readBody(req, MAX_MANIFEST_BYTES);
    const { digest, manifest } = await this.manifests.put(name, reference, req.headers['content-type'], body, this.authorizer.callerName(req));
    reply.status(201).header('Location', `/v2/${name}/manifests/${digest}`).header('Docker-Content-Digest', digest).header('Content-Length', 0);
    if (manifest.subject) reply.header('OCI-Subject', manifest.subject.digest);
    reply.send();
    this.audit.record(req, 'create', name, reference, digest);
    this.publish(req, EventType.PushArtifact, name, reference, digest, manifest.mediaType, body.length);
  }

  @Delete(':name/manifests/:reference')
  @RequireAccess('delete')
  async delete(@Param('name') name: string, @Param('reference') reference: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.manifests.delete(name, reference);
    reply.status(202).header('Content-Length', 0).send();
    this.audit.record(req, 'delete', name, reference);
    // Deleting a tag leaves the artifact: only a delete by digest is an artifact event.
    if (reference.includes(':')) this.publish(req, EventType.DeleteArtifact, name, reference, reference);
  }

  private publish(req: FastifyRequest, type: EventType, repository: string, reference: string, digest: string, mediaType?: string, size?: number): void {
    const tag = reference.includes(':') ? undefined : reference;
    this.events.publish({ type, occurAt: Date.now(), operator: this.authorizer.callerName(req), repository, digest, tag, mediaType, size });
  }

  private headers(reply: FastifyReply, m: ServedManifest): FastifyReply {
    return reply
      .status(200)
      .header('Content-Type', m.mediaType)
      .header('Content-Length', m.size)
      .header('Docker-Content-Digest', m.digest)
      .header('ETag', `"${m.digest}"`);
  }
}
