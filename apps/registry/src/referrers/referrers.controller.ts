import { Controller, Get, Param, Req, Res, UseGuards } from '@nestjs/common';
import { MediaType, parseDigest } from '@wharf/oci';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RegistryAccessGuard, RequireAccess } from '../auth/registry-access.guard';
import { queryParam } from '../http/request-body';
import { ArtifactStore } from '../metadata/artifact.store';

@Controller('v2')
@UseGuards(RegistryAccessGuard)
export class ReferrersController {
  constructor(private readonly artifacts: ArtifactStore) {}

  /** Always an image index, empty when nothing refers to the subject (which need not exist). */
  @Get(':name/referrers/:digest')
  @RequireAccess('pull')
  async list(@Param('name') name: string, @Param('digest') digest: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const subject = parseDigest(digest).digest;
    const artifactType = queryParam(req, 'artifactType') || undefined;
    const rows = await this.artifacts.referrers(name, subject, artifactType);
    const manifests = rows.map((r) => ({
      mediaType: r.mediaType,
      digest: r.digest,
      size: r.size,
      ...(r.artifactType ? { artifactType: r.artifactType } : {}),
      ...(r.annotations ? { annotations: r.annotations } : {}),
    }));
    if (artifactType) reply.header('OCI-Filters-Applied', 'artifactType');
    reply
      .type(MediaType.OCI_INDEX)
      .send(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OCI_INDEX, manifests }));
  }
}
