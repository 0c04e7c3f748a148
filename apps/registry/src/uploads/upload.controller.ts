import { Controller, Delete, Get, Inject, Param, Patch, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import { parseDigest } from '@wharf/oci';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REGISTRY_AUTHORIZER, RegistryAuthorizer } from '../auth/access';
import { MountsFrom, RegistryAccessGuard, RequireAccess } from '../auth/registry-access.guard';
import { hasBody, queryParam, uploadBody } from '../http/request-body';
import { uploadRange } from './content-range';
import { UploadService } from './upload.service';

@Controller('v2')
@UseGuards(RegistryAccessGuard)
export class UploadController {
  constructor(
    private readonly uploads: UploadService,
    @Inject(REGISTRY_AUTHORIZER) private readonly authorizer: RegistryAuthorizer,
  ) {}

  @Post(':name/blobs/uploads')
  @RequireAccess('pull', 'push')
  @MountsFrom()
  async start(@Param('name') name: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const mount = queryParam(req, 'mount');
    const digest = queryParam(req, 'digest');
    if (mount !== undefined) {
      // The guard checked `from` and the caller's pull access to it (MountsFrom).
      const from = queryParam(req, 'from');
      const d = parseDigest(mount);
      if (from !== undefined) {
        const blob = await this.uploads.mount(name, from, d.digest, this.authorizer.callerName(req));
        if (blob) {
          this.created(reply, name, blob.digest);
          return;
        }
      }
      // Unknown source repository or blob: the spec's fallback is an ordinary upload session.
    } else if (digest !== undefined) {
      const d = parseDigest(digest);
      await this.uploads.putMonolithic(name, d.digest, uploadBody(req), this.authorizer.callerName(req));
      this.created(reply, name, d.digest);
      return;
    }
    const id = await this.uploads.start(name);
    this.progress(reply.status(202), name, id, 0);
  }

  @Get(':name/blobs/uploads/:id')
  @RequireAccess('pull')
  async status(@Param('name') name: string, @Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const offset = await this.uploads.status(name, id);
    this.progress(reply.status(204), name, id, offset);
  }

  @Patch(':name/blobs/uploads/:id')
  @RequireAccess('pull', 'push')
  async append(@Param('name') name: string, @Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const offset = await this.uploads.append(name, id, uploadBody(req), this.authorizer.callerName(req));
    this.progress(reply.status(202), name, id, offset);
  }

  @Put(':name/blobs/uploads/:id')
  @RequireAccess('pull', 'push')
  async complete(@Param('name') name: string, @Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const digest = queryParam(req, 'digest');
    const body = hasBody(req) ? uploadBody(req) : undefined;
    const committed = await this.uploads.complete(name, id, digest, body, this.authorizer.callerName(req));
    this.created(reply, name, committed);
  }

  @Delete(':name/blobs/uploads/:id')
  @RequireAccess('pull', 'push')
  async cancel(@Param('name') name: string, @Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    await this.uploads.cancel(name, id);
    reply.status(204).send();
  }

  private progress(reply: FastifyReply, name: string, id: string, offset: number): void {
    reply
      .header('Location', `/v2/${name}/blobs/uploads/${id}`)
      .header('Range', uploadRange(offset))
      .header('Docker-Upload-UUID', id)
      .header('Blob-Upload-Session-ID', id)
      .header('Content-Length', 0)
      .send();
  }

  private created(reply: FastifyReply, name: string, digest: string): void {
    reply
      .status(201)
      .header('Location', `/v2/${name}/blobs/${digest}`)
      .header('Docker-Content-Digest', digest)
      .header('Content-Length', 0)
      .send();
  }
}
