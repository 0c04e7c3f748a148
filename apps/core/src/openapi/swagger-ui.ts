import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/** The files of swagger-ui-dist the page loads, with their types: nothing else is served. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** swagger-ui-dist comes with @nestjs/swagger; resolve it from there. */
function assetsDir(): string {
  return dirname(require.resolve('swagger-ui-dist/package.json', { paths: [dirname(require.resolve('@nestjs/swagger'))] }));
}

function page(base: string, documentUrl: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Wharf API</title>
  <link rel="stylesheet" href="${base}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${base}/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${base}/swagger-ui-bundle.js"></script>
  <script src="${base}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.onload = function () {
      window.ui = SwaggerUIBundle({
        url: ${JSON.stringify(documentUrl)},
        dom_id: '#swagger-ui',
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        layout: 'StandaloneLayout'
      });
    };
  </script>
</body>
</html>
`;
}

/**
 * The Swagger UI page at `base`, reading the document at `documentUrl`. Served from a fixed list
 * of files rather than a static-file plugin: nothing else under the directory is reachable.
 */
export function registerSwaggerUi(fastify: FastifyInstance, base: string, documentUrl: string): void {
  const dir = assetsDir();
  const html = page(base, documentUrl);
  fastify.get(base, (_request, reply) => {
    void reply.type('text/html; charset=utf-8').send(html);
  });
  fastify.get(`${base}/:file`, async (request, reply) => {
    const file = (request.params as { file: string }).file;
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) {
      void reply.code(404).type('text/plain; charset=utf-8').send('not found');
      return reply;
    }
    const body = await readFile(join(dir, file));
    void reply.type(type).header('Cache-Control', 'public, max-age=86400').send(body);
    return reply;
  });
}
