import { Controller, Get, Param, Req, Res, UseGuards } from '@nestjs/common';
import { isValidMediaType, MediaType, OciError, parseDigest } from '@wharf/oci';
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
    if (artifactType !== undefined && !isValidMediaType(artifactType)) {
      throw new OciError('UNSUPPORTED', `artifactType filter ${JSON.stringify(artifactType)} is not a media type`, undefined, {}, 400);
    }
    const rows = await this.artifacts.referrers(name, subject, artifactType);
    const manifests = rows.map((r) => ({
      mediaType: r.mediaType,
      digest: r.digest,
      size: r.size,
      ...(r.artifactType ? { artifactType: r.artifactType } : {}),
      ...(r.annotations ? { annotations: r.annotations } : {}),
    }));
    if (artifactType) reply.header('OCI-Filters-Applied', 'artifactType');
    // A Buffer, so that no charset parameter is appended: clients match this type exactly.
    reply
      .header('Content-Type', MediaType.OCI_INDEX)
      .send(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OCI_INDEX, manifests })));
  }
}
