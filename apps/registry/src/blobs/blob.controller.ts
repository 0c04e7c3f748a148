import { Controller, Delete, Get, Head, Param, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RegistryAccessGuard, RequireAccess } from '../auth/registry-access.guard';
import { BlobRow } from '../metadata/blob.store';
import { BlobService } from './blob.service';
import { parseByteRange } from './byte-range';

/** Set by the gateway (nginx) on the requests it proxies: it can serve blob files itself. */
const ACCEL_REQUEST_HEADER = 'x-wharf-accel';

@Controller('v2')
@UseGuards(RegistryAccessGuard)
export class BlobController {
  constructor(private readonly blobs: BlobService) {}

  @Head(':name/blobs/:digest')
  @RequireAccess('pull')
  async head(@Param('name') name: string, @Param('digest') digest: string, @Res() reply: FastifyReply): Promise<void> {
    const blob = await this.blobs.stat(name, digest);
    this.headers(reply, blob).header('Content-Length', blob.size).status(200).send();
  }

  @Get(':name/blobs/:digest')
  @RequireAccess('pull')
  async get(@Param('name') name: string, @Param('digest') digest: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const blob = await this.blobs.stat(name, digest);
    this.headers(reply, blob);
    if (req.headers[ACCEL_REQUEST_HEADER] === '1') {
      const uri = await this.blobs.offloadUri(blob);
      if (uri !== undefined) {
        // The gateway sends the file, applying any Range itself; it copies Content-Type and
        // Cache-Control from here and announces Accept-Ranges on its own (it would appear twice).
        // An empty body lets it keep this connection for the next request.
        reply.removeHeader('Accept-Ranges');
        reply.status(200).header('X-Accel-Redirect', uri).header('Content-Length', 0).send();
        return;
      }
    }
    const range = parseByteRange(req.headers.range, blob.size);
    if (range === 'unsatisfiable') {
      reply.status(416).header('Content-Range', `bytes */${blob.size}`).send();
      return;
    }
    if (range) {
      reply.header('Content-Range', `bytes ${range.start}-${range.end}/${blob.size}`);
      await this.blobs.send(blob, reply, 206, range);
      return;
    }
    await this.blobs.send(blob, reply, 200);
  }

  @Delete(':name/blobs/:digest')
  @RequireAccess('delete')
  async delete(@Param('name') name: string, @Param('digest') digest: string, @Res() reply: FastifyReply): Promise<void> {
    await this.blobs.delete(name, digest);
    reply.status(202).header('Content-Length', 0).send();
  }

  private headers(reply: FastifyReply, blob: BlobRow): FastifyReply {
    return reply
      .header('Content-Type', 'application/octet-stream')
      .header('Docker-Content-Digest', blob.digest)
      .header('ETag', `"${blob.digest}"`)
      .header('Accept-Ranges', 'bytes')
      .header('Cache-Control', 'max-age=31536000');
  }
}
