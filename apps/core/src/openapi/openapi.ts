import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { API_PREFIX } from '../http/api-prefix';
import { HARBOR_VERSION } from '../system/system.controller';
import { HARBOR_MODELS } from './harbor-models';
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
  const document = withHarborModels(pathParametersFirst(optionalHeaders(SwaggerModule.createDocument(app, config))));
  // The UI is served by registerSwaggerUi; Nest's own would need a static-file plugin.
  SwaggerModule.setup(SWAGGER_UI_PATH.slice(1), app, document, {
    swaggerUiEnabled: false,
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    yamlDocumentUrl: `${API_PREFIX}/swagger.yaml`,
  });
  registerSwaggerUi(app.getHttpAdapter().getInstance(), SWAGGER_UI_PATH, OPENAPI_JSON_PATH);
}

type Parameter = { name: string; in: string; required?: boolean };

/**
 * Harbor's request headers (X-Is-Resource-Name, X-Resource-Name-In-Location, X-Request-Id) are
 * all optional, but Nest documents a header read with @Headers('name') as required, and a handler
 * that also declares it with @ApiHeader lists it twice: Swagger UI's "Try it out" then refuses to
 * send a request without them. One optional entry per header and operation.
 */
export function optionalHeaders(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { parameters?: Parameter[] }[]) {
      if (!operation || typeof operation !== 'object' || !Array.isArray(operation.parameters)) continue;
      const seen = new Set<string>();
      operation.parameters = operation.parameters.filter((p) => {
        if (p.in !== 'header') return true;
        const key = p.name.toLowerCase();
        if (seen.has(key)) return false;
        seen.add(key);
        p.required = false;
        return true;
      });
    }
  }
  return document;
}

/**
 * Path parameters first and in the order the path names them, as in Harbor's document (generated
 * clients take them positionally): Nest lists those a parameter decorator documents (ProjectRef)
 * after those read with @Param.
 */
export function pathParametersFirst(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    const position = (p: Parameter) => (p.in === 'path' ? path.indexOf(`{${p.name}}`) : Number.MAX_SAFE_INTEGER);
    for (const operation of Object.values(item) as { parameters?: Parameter[] }[]) {
      if (!operation || typeof operation !== 'object' || !Array.isArray(operation.parameters)) continue;
      // Array.prototype.sort is stable: the other parameters keep their order.
      operation.parameters = [...operation.parameters].sort((a, b) => position(a) - position(b));
    }
  }
  return document;
}

/**
 * Registers the response models under Harbor's names (see HARBOR_MODELS) in place of the schemas Nest
 * derives from request DTOs of the same name. Harbor uses such a model (Label, Robot, WebhookPolicy,
 * ...) for requests as well: there only what the request must hold stays required, so that a
 * generated client sends one without ids or times.
 */
export function withHarborModels(document: OpenAPIObject): OpenAPIObject {
  const derived = document.components?.schemas ?? {};
  const schemas: Record<string, SchemaObject | ReferenceObject> = { ...derived };
  for (const [name, model] of Object.entries(HARBOR_MODELS)) {
    const request = derived[name];
    schemas[name] = request && 'properties' in request ? requiredAsRequested(model, request.required ?? []) : model;
  }
  document.components = { ...document.components, schemas };
  return document;
}

function requiredAsRequested(model: SchemaObject, requested: readonly string[]): SchemaObject {
  const { required = [], ...rest } = model;
  const both = required.filter((name) => requested.includes(name));
  return both.length > 0 ? { ...rest, required: both } : rest;
}
