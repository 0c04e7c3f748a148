import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { badRequest } from './harbor-error';

const MAX_ID = 2_147_483_647;

/** A path id (user, member): a positive 32-bit integer, else 400. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const name = metadata.data ?? 'id';
    if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > MAX_ID) {
      throw badRequest(`invalid ${name}: ${JSON.stringify(value)} is not a positive integer`);
    }
    return Number(value);
  }
}

/** A boolean header or query parameter: absent -> fallback, "true"/"false" (any case), else 400. */
export function parseBoolean(name: string, raw: string | string[] | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  const value = (Array.isArray(raw) ? raw[0] : raw).toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw badRequest(`invalid ${name}: ${JSON.stringify(raw)} is not true or false`);
}
