import { parse as parseForm } from 'node:querystring';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '@wharf/oci';
import type { FastifyInstance } from 'fastify';
import { HarborError } from './harbor-error';

/**
 * The request bodies core reads: JSON (the API) and forms (the token service's OAuth2 POST).
 * Registered here rather than by Nest so that JSON is measured before it is parsed: validation
 * and serialisation recurse through a parsed body, and one nested 50,000 deep overflowed the
 * stack (a 500, even for anonymous callers, whose requests are parsed before anyone looks at
 * who they are).
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonNestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      done(new HarborError('BAD_REQUEST', `the request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
  // Repeated fields (`scope=...&scope=...`) become arrays, as the token service expects.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(body as string));
  });
}
