import fs from 'node:fs';
import Ajv, { ValidateFunction } from 'ajv';
import { findGitHubPackageFile } from '../github/modules';

/**
 * Validators from GitHub's official OpenAPI descriptions (api.github.com only): REST responses
 * from `@octokit/openapi`, webhook payloads from `@octokit/openapi-webhooks`. The documents are
 * large (13 MB and 5 MB), so they are read once, on first use.
 */

type Doc = { components: { schemas: Record<string, unknown> }; paths?: any };

let ajv: Ajv | undefined;
const loaded = new Set<string>();
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    ajv.addFormat('uri', s => {
      try {
        return Boolean(new URL(s));
      } catch {
        return false;
      }
    });
    ajv.addFormat('date-time', s =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(
        s,
      ),
    );
    for (const f of [
      'int64',
      'int32',
      'double',
      'uri-template',
      'email',
      'date',
      'repo.nwo',
      'binary',
      'timestamp',
    ])
      ajv.addFormat(f, true);
  }
  return ajv;
}

function load(id: 'rest' | 'webhooks'): Doc {
  const file =
    id === 'rest'
      ? findGitHubPackageFile(
          '@octokit/openapi',
          'generated/api.github.com.json',
        )
      : findGitHubPackageFile(
          '@octokit/openapi-webhooks',
          'generated/api.github.com.json',
        );
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Doc;
  if (!loaded.has(id)) {
    // only the components are needed; $refs inside them are document-relative
    instance().addSchema(
      { $id: id, components: nullableEnums(doc.components) },
      undefined,
      undefined,
      false,
    );
    loaded.add(id);
  }
  return doc;
}

/**
 * OpenAPI 3.0 `nullable: true` next to an `enum` admits null (GitHub sends `conclusion: null`
 * for a job still running); JSON Schema needs null in the enum for that.
 */
function nullableEnums(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableEnums);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [k, nullableEnums(v)]),
  );
  if (
    out.nullable === true &&
    Array.isArray(out.enum) &&
    !out.enum.includes(null)
  )
    out.enum = [...out.enum, null];
  if (out.nullable === true && out.type === undefined) {
    // `nullable` beside `allOf`/`$ref` (no `type`): the value is null or the schema
    const { nullable: _n, ...rest } = out;
    return { anyOf: [{ type: 'null' }, rest] };
  }
  return out;
}

/** Rewrites document-relative `$ref`s of an inline schema to point into the loaded document. */
function rebase(schema: unknown, id: string): unknown {
  if (Array.isArray(schema)) return schema.map(s => rebase(s, id));
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/')
        ? `${id}${v}`
        : rebase(v, id),
    ]),
  );
}

let restDoc: Doc | undefined;

/** A validator for the JSON body of `method path` answering `status` (path as GitHub writes it). */
export function githubRestValidator(
  path: string,
  method = 'get',
  status = '200',
): ValidateFunction {
  const key = `rest ${method} ${path} ${status}`;
  let v = compiled.get(key);
  if (!v) {
    restDoc ??= load('rest');
    const op = restDoc.paths?.[path]?.[method];
    const schema =
      op?.responses?.[status]?.content?.['application/json']?.schema;
    if (!schema)
      throw new Error(`no ${status} JSON response for ${method} ${path}`);
    v = instance().compile(rebase(nullableEnums(schema), 'rest') as object);
    compiled.set(key, v);
  }
  return v;
}

/** A validator for a schema of the REST description's components, e.g. `installation`. */
export function githubRestComponentValidator(
  name: string,
  opts: { array?: boolean } = {},
): ValidateFunction {
  const key = `rest component ${name} ${Boolean(opts.array)}`;
  let v = compiled.get(key);
  if (!v) {
    restDoc ??= load('rest');
    const ref = { $ref: `rest#/components/schemas/${name}` };
    v = instance().compile(opts.array ? { type: 'array', items: ref } : ref);
    compiled.set(key, v);
  }
  return v;
}

/** A validator for a webhook payload schema, e.g. `webhook-workflow-job-queued`. */
export function githubWebhookValidator(schemaName: string): ValidateFunction {
  const key = `webhooks ${schemaName}`;
  let v = compiled.get(key);
  if (!v) {
    if (!loaded.has('webhooks')) load('webhooks');
    v = instance().compile({
      $ref: `webhooks#/components/schemas/${schemaName}`,
    });
    compiled.set(key, v);
  }
  return v;
}

/** Throws with ajv's errors (first 30) when `data` does not validate. */
export function assertValid(v: ValidateFunction, data: unknown, what: string) {
  if (!v(data)) {
    throw new Error(
      `${what} does not match GitHub's OpenAPI description:\n${JSON.stringify(
        (v.errors ?? []).slice(0, 30),
        null,
        1,
      )}`,
    );
  }
}
