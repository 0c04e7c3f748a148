import { OciError } from '@wharf/oci';

/** Parses the upload `Content-Range` (`<start>-<end>`, inclusive; `bytes ` prefixes tolerated). */
export function parseContentRange(header: string): { start: number; end: number } {
  const m = /^(?:bytes[ =])?(\d{1,15})-(\d{1,15})(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m) throw new OciError('RANGE_INVALID', `malformed Content-Range "${header}"`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) throw new OciError('RANGE_INVALID', `Content-Range "${header}" ends before it starts`);
  return { start, end };
}

/** The upload progress header: inclusive range of bytes received (distribution writes 0-0 when empty). */
export function uploadRange(offset: number): string {
  return `0-${Math.max(offset - 1, 0)}`;
}
