import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_PREFIX } from '../http/api-prefix';
import { HARBOR_VERSION } from '../system/system.controller';
import { registerSwaggerUi } from './swagger-ui';

export const OPENAPI_JSON_PATH = `/${API_PREFIX}/swagger.json`;
export const SWAGGER_UI_PATH = '/devcenter-api-2.0';

/**
 * The OpenAPI document of what this server implements (generated from the controllers and DTOs)
 * and the Swagger UI to try it, where Harbor keeps its own.
 */
export function setupOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Wharf API')
    .setDescription('Wharf\'s Harbor-compatible REST API (v2.0). Errors are {"errors":[{"code","message"}]}.')
    .setVersion(HARBOR_VERSION)
    .addBasicAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The UI is served by registerSwaggerUi; Nest's own would need a static-file plugin.
  SwaggerModule.setup(SWAGGER_UI_PATH.slice(1), app, document, {
    swaggerUiEnabled: false,
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    yamlDocumentUrl: `${API_PREFIX}/swagger.yaml`,
  });
  registerSwaggerUi(app.getHttpAdapter().getInstance(), SWAGGER_UI_PATH, OPENAPI_JSON_PATH);
}
