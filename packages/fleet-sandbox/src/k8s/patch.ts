import { errors } from './status';

const isObject = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw errors.badRequest(`invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(
  doc: any,
  path: string[],
  op: string,
): { parent: any; key: string } {
  let cur = doc;
  for (const p of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else cur = isObject(cur) ? cur[p] : undefined;
    if (cur === undefined) {
      throw errors.patchNotApplicable(
        `jsonpatch ${op} operation does not apply: doc is missing path: "/${path.join(
          '/',
        )}"`,
      );
    }
  }
  return { parent: cur, key: path[path.length - 1] };
}

function get(doc: any, path: string[]): unknown {
  let cur = doc;
  for (const p of path) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

const deepEqual = (a: unknown, b: unknown) =>
  JSON.stringify(a) === JSON.stringify(b);

type Doc = { root: any };

function removeAt(
  doc: Doc,
  p: string[],
  op: { op: string; path: string },
): unknown {
  const { parent, key } = parentOf(doc.root, p, op.op);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length))
      throw errors.patchNotApplicable(
        `jsonpatch remove operation does not apply: doc is missing key: ${op.path}`,
      );
    return parent.splice(i, 1)[0];
  }
  if (!isObject(parent) || !(key in parent)) {
    throw errors.patchNotApplicable(
      `jsonpatch ${op.op} operation does not apply: doc is missing path: "${op.path}"`,
    );
  }
  const v = parent[key];
  delete parent[key];
  return v;
}

function addAt(
  doc: Doc,
  p: string[],
  value: unknown,
  op: { op: string; path: string },
) {
  if (p.length === 0) {
    doc.root = structuredClone(value);
    return;
  }
  const { parent, key } = parentOf(doc.root, p, op.op);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length))
      throw errors.patchNotApplicable(
        `jsonpatch add operation does not apply: index out of bounds: ${op.path}`,
      );
    parent.splice(i, 0, structuredClone(value));
  } else if (isObject(parent)) parent[key] = structuredClone(value);
  else
    throw errors.patchNotApplicable(
      `jsonpatch ${op.op} operation does not apply: doc is missing path: "${op.path}"`,
    );
}

/**
 * RFC 6902 JSON patch. A body that is no patch is 400; an operation that does not apply (missing
 * path, failed `test`) is 422, as the API server answers.
 */
export function applyJsonPatch(input: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    throw errors.badRequest(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
  }
  const doc: Doc = { root: structuredClone(input) };
  for (const op of ops) {
    if (
      !isObject(op) ||
      typeof op.op !== 'string' ||
      typeof op.path !== 'string'
    ) {
      throw errors.badRequest('invalid JSON patch operation');
    }
    const o = op as {
      op: string;
      path: string;
      value?: unknown;
      from?: unknown;
    };
    const path = decodePointer(o.path);
    switch (op.op) {
      case 'add':
        addAt(doc, path, o.value, o);
        break;
      case 'remove':
        removeAt(doc, path, o);
        break;
      case 'replace':
        removeAt(doc, path, o);
        addAt(doc, path, o.value, o);
        break;
      case 'move':
        addAt(doc, path, removeAt(doc, decodePointer(String(o.from)), o), o);
        break;
      case 'copy':
        addAt(doc, path, get(doc.root, decodePointer(String(o.from))), o);
        break;
      case 'test':
        if (!deepEqual(get(doc.root, path), o.value)) {
          throw errors.patchNotApplicable(
            `testing value ${op.path} failed: test failed`,
          );
        }
        break;
      default:
        throw errors.badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc.root;
}
