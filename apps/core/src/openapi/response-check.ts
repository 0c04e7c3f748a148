import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** What the checks read of a Swagger 2.0 or OpenAPI 3 document. */
export interface OpenApiDocument {
  swagger?: string;
  openapi?: string;
  paths: Record<string, Record<string, unknown>>;
  definitions?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown> };
}

/** Problems of one answer (empty when it fits); `omitted` collects optional fields left out, as Model.field. */
export type SchemaCheck = (method: string, path: string, status: number, body: unknown, omitted?: Set<string>) => string[];

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** Harbor's own API document, read where the project keeps its references (beside the repository). */
export async function harborDocument(): Promise<OpenApiDocument> {
  const text = await readFile(join(REPO_ROOT, '..', 'shared', 'reference', 'harbor-api-v2.15.2-swagger.yaml'), 'utf8');
  return withoutDocumentQuirks(parse(text) as OpenApiDocument);
}

/**
 * Where Harbor's document says less than Harbor answers, the answer wins: extra_attrs and a rule's
 * params hold strings and numbers (Harbor declares maps of objects), and an addition is the JSON
 * or Markdown it is (Harbor declares a string).
 */
function withoutDocumentQuirks(doc: OpenApiDocument): OpenApiDocument {
  const defs = (doc.definitions ?? {}) as Record<string, Json & { properties?: Record<string, Json> }>;
  defs['ExtraAttrs'] = { type: 'object', additionalProperties: {} };
  for (const rule of ['RetentionRule', 'ImmutableRule']) {
    const props = defs[rule]?.properties;
    if (props) props['params'] = { type: 'object', additionalProperties: {} };
  }
  const addition = doc.paths['/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/additions/{addition}']?.['get'] as
    | { responses?: Record<string, Json> }
    | undefined;
  if (addition?.responses?.['200']) addition.responses['200'] = { description: 'the addition', schema: {} };
  return doc;
}

type Json = Record<string, unknown>;

/** Swagger 2.0's dialect as JSON Schema: x-nullable becomes a null type, `file` any value, refs point into `id`. */
function toJsonSchema(node: unknown, id: string, refPrefix: string): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, id, refPrefix));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(refPrefix)) out[key] = `${id}#/defs/${value.slice(refPrefix.length)}`;
    else if (key === 'example' || key === 'x-omitempty' || key === 'x-isnullable') continue;
    else out[key] = toJsonSchema(value, id, refPrefix);
  }
  if (out['type'] === 'file') delete out['type'];
  if (out['x-nullable'] === true && typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  delete out['x-nullable'];
  return out;
}

/** The schema of an operation's answer with `status`, or null (no body), or undefined (status not declared). */
function responseSchema(doc: OpenApiDocument, method: string, path: string, status: number): unknown {
  const op = doc.paths[path]?.[method.toLowerCase()] as { responses?: Record<string, Json> } | undefined;
  const response = op?.responses?.[String(status)];
  if (!response) return undefined;
  if (doc.swagger) return response['schema'] ?? null;
  const content = response['content'] as Record<string, { schema?: unknown }> | undefined;
  if (!content) return null;
  return (content['application/json'] ?? Object.values(content)[0])?.schema ?? null;
}

/**
 * Validates answers against `doc`'s declarations with ajv: Harbor's Swagger 2.0 document (its
 * `definitions`) or Wharf's OpenAPI 3 one (its `components.schemas`, `nullable` as ajv reads it).
 */
export function answerChecker(doc: OpenApiDocument): SchemaCheck {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const format of ['int', 'uint64']) ajv.addFormat(format, true);
  const swagger = Boolean(doc.swagger);
  const refPrefix = swagger ? '#/definitions/' : '#/components/schemas/';
  const id = swagger ? 'harbor' : 'wharf';
  const defs = swagger ? doc.definitions : doc.components?.schemas;
  ajv.addSchema({ $id: id, defs: toJsonSchema(defs ?? {}, id, refPrefix) });
  const compiled = new Map<string, ValidateFunction>();

  /** Optional properties of the schema at `schema` that `data` leaves out, recursively. */
  function walkOmitted(schema: unknown, data: unknown, model: string, omitted: Set<string>, depth = 0): void {
    if (!schema || typeof schema !== 'object' || depth > 6) return;
    let s = schema as Json;
    let name = model;
    const ref = s['$ref'];
    if (typeof ref === 'string' && ref.startsWith(refPrefix)) {
      name = ref.slice(refPrefix.length);
      s = ((defs ?? {}) as Record<string, Json>)[name] ?? {};
    }
    if (Array.isArray(data)) {
      for (const item of data.slice(0, 3)) walkOmitted(s['items'], item, name, omitted, depth + 1);
      return;
    }
    if (!data || typeof data !== 'object') return;
    const props = s['properties'] as Record<string, unknown> | undefined;
    if (props) {
      for (const [prop, sub] of Object.entries(props)) {
        if (prop in (data as Json)) walkOmitted(sub, (data as Json)[prop], name, omitted, depth + 1);
        else omitted.add(`${name}.${prop}`);
      }
    } else if (s['additionalProperties'] && typeof s['additionalProperties'] === 'object') {
      for (const value of Object.values(data as Json).slice(0, 3)) walkOmitted(s['additionalProperties'], value, name, omitted, depth + 1);
    }
  }

  return (method, path, status, body, omitted) => {
    const schema = responseSchema(doc, method, path, status);
    if (schema === undefined) return [`status ${status} is not declared`];
    if (schema === null) return body === undefined ? [] : [`a body where none is declared: ${JSON.stringify(body).slice(0, 200)}`];
    if (body === undefined) return (schema as Json)['type'] === 'string' ? [] : ['no body where one is declared'];
    const key = `${method} ${path} ${status}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(toJsonSchema(schema, id, refPrefix) as Json);
      compiled.set(key, validate);
    }
    if (omitted) walkOmitted(schema, body, 'answer', omitted);
    if (validate(body)) return [];
    return (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
}
