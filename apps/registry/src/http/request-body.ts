import type { FastifyRequest } from 'fastify';
import { OciError } from '@wharf/oci';
import type { UploadBody } from '../uploads/upload.service';

/** Reads `Content-Length`; a malformed value is the client's error, not ours. */
export function contentLength(request: FastifyRequest): number | undefined {
  const raw = request.headers['content-length'];
  if (raw === undefined) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new OciError('SIZE_INVALID', `invalid Content-Length "${raw}"`);
  return Number(raw);
}

/** True when the request carries a body (a declared length above zero, or chunked encoding). */
export function hasBody(request: FastifyRequest): boolean {
  const length = contentLength(request);
  return (length !== undefined && length > 0) || request.headers['transfer-encoding'] !== undefined;
}

export function uploadBody(request: FastifyRequest): UploadBody {
  const range = request.headers['content-range'];
  return { stream: request.raw, contentLength: contentLength(request), contentRange: typeof range === 'string' ? range : undefined };
}

/** One query parameter as a string (the first, if repeated). */
export function queryParam(request: FastifyRequest, key: string): string | undefined {
  const value = (request.query as Record<string, string | string[] | undefined>)[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a whole small body (a manifest), refusing more than `limit` bytes without buffering them. */
export async function readBody(request: FastifyRequest, limit: number): Promise<Buffer> {
  const declared = contentLength(request);
  if (declared !== undefined && declared > limit) {
    throw new OciError('MANIFEST_TOO_LARGE', `manifest of ${declared} bytes exceeds the ${limit}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Stopping early leaves the request open: the refusal must still reach the client (the rest of
  // the body is drained after it).
  for await (const chunk of request.raw.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new OciError('MANIFEST_TOO_LARGE', `manifest exceeds the ${limit}-byte limit`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}
