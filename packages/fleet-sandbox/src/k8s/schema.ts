import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { JsonSchema, ResourceDefinition } from './crds';
import { StatusCause } from './status';

/**
 * What the API server does with a custom resource body, in its order: prune unknown fields
 * (structural schema), apply schema defaults, validate against openAPIV3Schema, validate
 * ObjectMeta. `x-kubernetes-*` keywords other than preserve-unknown-fields are not evaluated
 * (no list-map uniqueness, no CEL rules: the ARC CRDs have none).
 */

/** ObjectMeta fields the API server keeps; anything else under metadata is dropped. */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Removes fields the schema doesn't know (returns their paths) and fills schema defaults. */
export function pruneAndDefault(
  obj: Record<string, unknown>,
  schema: JsonSchema,
): string[] {
  const pruned: string[] = [];
  if (isObject(obj.metadata)) {
    for (const key of Object.keys(obj.metadata)) {
      if (!OBJECT_META_FIELDS.has(key)) {
        pruned.push(`metadata.${key}`);
        delete obj.metadata[key];
      }
    }
  }
  walk(obj, schema, '', pruned, true);
  return pruned;
}

function walk(
  value: unknown,
  schema: JsonSchema | undefined,
  at: string,
  pruned: string[],
  root = false,
) {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    if (schema.items)
      value.forEach((v, i) => walk(v, schema.items, `${at}[${i}]`, pruned));
    return;
  }
  if (!isObject(value)) return;
  if (schema.properties) {
    for (const key of Object.keys(value)) {
      // metadata is ObjectMeta (handled above); apiVersion/kind are always kept
      if (
        root &&
        (key === 'metadata' || key === 'apiVersion' || key === 'kind')
      )
        continue;
      if (!(key in schema.properties)) {
        pruned.push(at ? `${at}.${key}` : key);
        delete value[key];
      }
    }
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (root && key === 'metadata') continue;
      if (value[key] === undefined && sub.default !== undefined) {
        value[key] = structuredClone(sub.default);
      }
      if (value[key] !== undefined)
        walk(value[key], sub, at ? `${at}.${key}` : key, pruned);
    }
  } else if (isObject(schema.additionalProperties)) {
    for (const [key, v] of Object.entries(value)) {
      walk(v, schema.additionalProperties, `${at}[${key}]`, pruned);
    }
  }
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
// Kubernetes ignores int32/int64 formats (types are checked) and validates date-time.
ajv.addFormat('int32', true);
ajv.addFormat('int64', true);
ajv.addFormat(
  'date-time',
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
);

const validators = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    // metadata is validated as ObjectMeta below, not by the CRD schema
    v = ajv.compile(schema);
    validators.set(schema, v);
  }
  return v;
}

function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => {
      if (/^\d+$/.test(part)) return `${acc}[${part}]`;
      return acc ? `${acc}.${part}` : part;
    }, '');
}

function valueAt(obj: unknown, instancePath: string): unknown {
  let cur: any = obj;
  for (const p of instancePath.split('/').slice(1)) {
    if (cur === undefined || cur === null) return undefined;
    cur = cur[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

const show = (v: unknown) => JSON.stringify(v) ?? 'null';
const typeName = (v: unknown) => {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
};

function toCause(e: ErrorObject, obj: unknown): StatusCause | undefined {
  const field = fieldPath(e.instancePath);
  const value = valueAt(obj, e.instancePath);
  switch (e.keyword) {
    case 'required': {
      const f = field
        ? `${field}.${e.params.missingProperty}`
        : String(e.params.missingProperty);
      return {
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: f,
      };
    }
    case 'type':
      return {
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: ${show(
          value,
        )}: ${field} in body must be of type ${e.params.type}: ${show(
          typeName(value),
        )}`,
        field,
      };
    case 'enum':
      return {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${show(value)}: supported values: ${(
          e.params.allowedValues as unknown[]
        )
          .map(show)
          .join(', ')}`,
        field,
      };
    case 'minimum':
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${show(
          value,
        )}: ${field} in body should be greater than or equal to ${
          e.params.limit
        }`,
        field,
      };
    case 'anyOf':
    case 'oneOf':
    case 'if':
      return undefined; // the branch errors carry the detail
    default:
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${show(value)}: ${field} in body ${e.message}`,
        field,
      };
  }
}

const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function qualifiedNameError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2)
    return 'a qualified name must consist of a prefix and a name separated by "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (
    prefix !== undefined &&
    (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))
  ) {
    return 'prefix part must be a lowercase RFC 1123 subdomain';
  }
  if (!name || name.length > 63 || !LABEL_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** ObjectMeta validation the API server does for every object (names, labels, annotations). */
export function validateObjectMeta(
  meta: any,
  namespaced: boolean,
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!isObject(meta)) {
    return [
      {
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: 'metadata',
      },
    ];
  }
  if (!meta.name) {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  } else if (
    typeof meta.name !== 'string' ||
    meta.name.length > 253 ||
    !DNS1123_SUBDOMAIN.test(meta.name)
  ) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${show(
        meta.name,
      )}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      field: 'metadata.name',
    });
  }
  if (
    namespaced &&
    (typeof meta.namespace !== 'string' || !DNS1123_LABEL.test(meta.namespace))
  ) {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'metadata.namespace',
    });
  }
  for (const kind of ['labels', 'annotations'] as const) {
    const map = meta[kind];
    if (map === undefined || map === null) continue;
    if (!isObject(map)) {
      causes.push({
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: ${show(map)}: must be a map of strings`,
        field: `metadata.${kind}`,
      });
      continue;
    }
    for (const [k, v] of Object.entries(map)) {
      const keyErr = qualifiedNameError(k);
      if (keyErr)
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${show(k)}: ${keyErr}`,
          field: `metadata.${kind}`,
        });
      if (typeof v !== 'string') {
        causes.push({
          reason: 'FieldValueTypeInvalid',
          message: `Invalid value: ${show(v)}: must be a string`,
          field: `metadata.${kind}.${k}`,
        });
      } else if (kind === 'labels' && (v.length > 63 || !LABEL_VALUE.test(v))) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${show(
            v,
          )}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
          field: `metadata.labels`,
        });
      }
    }
  }
  for (const listField of ['finalizers', 'ownerReferences'] as const) {
    if (meta[listField] !== undefined && !Array.isArray(meta[listField])) {
      causes.push({
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: ${show(meta[listField])}: must be a list`,
        field: `metadata.${listField}`,
      });
    }
  }
  return causes;
}

/**
 * What ARC itself enforces beyond the CRD schema, applied here as an admission webhook would.
 * ARC (0.14) has no webhook for AutoscalingRunnerSet; the rule lives in the gha-runner-scale-set
 * chart (`fail "maxRunners has to be greater or equal to minRunners"`) and in the listener's config
 * validation ("minRunners must be less than or equal to maxRunners"), so such a scale set never
 * scales. Rejecting it at the API is stricter than a bare cluster and catches the same bug earlier.
 */
export function validateArcRules(
  def: ResourceDefinition,
  obj: any,
): StatusCause[] {
  if (def.kind !== 'AutoscalingRunnerSet') return [];
  const spec = obj.spec ?? {};
  if (
    Number.isInteger(spec.minRunners) &&
    Number.isInteger(spec.maxRunners) &&
    spec.maxRunners < spec.minRunners
  ) {
    return [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${spec.maxRunners}: maxRunners has to be greater or equal to minRunners (${spec.minRunners})`,
        field: 'spec.maxRunners',
      },
    ];
  }
  return [];
}

/** Full validation of one object of `def` (after pruning/defaulting); empty = valid. */
export function validateObject(
  def: ResourceDefinition,
  obj: any,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const validate = validatorFor(def.schema);
  if (!validate(obj)) {
    for (const e of validate.errors ?? []) {
      const c = toCause(e, obj);
      if (
        c &&
        !causes.some(x => x.field === c.field && x.message === c.message)
      )
        causes.push(c);
    }
  }
  causes.push(...validateObjectMeta(obj.metadata, def.namespaced));
  if (causes.length === 0) causes.push(...validateArcRules(def, obj));
  return causes;
}
