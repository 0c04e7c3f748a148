import { applyDecorators } from '@nestjs/common';
import { ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * Building blocks of the response models the OpenAPI document declares under Harbor's model names
 * (components.schemas.Project, .Artifact, ...). Each feature keeps its models beside its views as
 * a `Models` record; openapi/harbor-models.ts gathers them and setupOpenApi registers them.
 */
export type Schema = SchemaObject | ReferenceObject;
export type Models = Readonly<Record<string, SchemaObject>>;

export const str: SchemaObject = { type: 'string' };
export const int: SchemaObject = { type: 'integer' };
export const int64: SchemaObject = { type: 'integer', format: 'int64' };
export const bool: SchemaObject = { type: 'boolean' };
export const dateTime: SchemaObject = { type: 'string', format: 'date-time' };
/** Any JSON object. */
export const anyObject: SchemaObject = { type: 'object', additionalProperties: true };

/**
 * An object whose properties are all in every answer but those named `optional` (left out when
 * they have no value, as Harbor's omitempty does): the generated clients' types say the same.
 */
export function object(properties: Record<string, Schema>, optional: readonly string[] = []): SchemaObject {
  const required = Object.keys(properties).filter((name) => !optional.includes(name));
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

export function arrayOf(items: Schema): SchemaObject {
  return { type: 'array', items };
}

/** A JSON object used as a map of `values`. */
export function mapOf(values: Schema): SchemaObject {
  return { type: 'object', additionalProperties: values };
}

export function nullable(schema: SchemaObject): SchemaObject {
  return { ...schema, nullable: true };
}

/** The registered model `name` (Harbor's model name). */
export function modelRef(name: string): ReferenceObject {
  return { $ref: `#/components/schemas/${name}` };
}

/** Description of a 2xx answer that has no body (the test of the document tells it from an undeclared one). */
export const NO_BODY = 'No body';

/** The operation answers `status` with the model `name` (or a list of it with `list`). */
export function ApiModelResponse(name: string, { status = 200, list = false }: { status?: number; list?: boolean } = {}): MethodDecorator {
  return ApiResponse({ status, description: list ? `${name}[]` : name, schema: list ? arrayOf(modelRef(name)) : modelRef(name) });
}

/** The operation answers `status` with `schema` (a map, a plain string, ...). */
export function ApiSchemaResponse(schema: Schema, status = 200): MethodDecorator {
  return ApiResponse({ status, description: 'OK', schema });
}

/** The operation answers `status` with no body. */
export function ApiNoBodyResponse(status = 200): MethodDecorator {
  return ApiResponse({ status, description: NO_BODY });
}

/** The operation answers 200 with plain text (a job's log). */
export function ApiTextResponse(): MethodDecorator {
  return applyDecorators(ApiProduces('text/plain'), ApiResponse({ status: 200, description: 'text', schema: str }));
}

/** The operation answers 200 with a file to download. */
export function ApiFileResponse(): MethodDecorator {
  return applyDecorators(ApiProduces('application/octet-stream'), ApiResponse({ status: 200, description: 'file', schema: { type: 'string', format: 'binary' } }));
}

/** An artifact's addition: JSON (build history, ...) or Markdown (readme), each as its own media type. */
export function ApiAdditionResponse(): MethodDecorator {
  return applyDecorators(
    ApiProduces('application/json', 'text/markdown'),
    ApiResponse({ status: 200, description: 'the addition', schema: { description: 'JSON for data additions, Markdown text for readme' } }),
  );
}
