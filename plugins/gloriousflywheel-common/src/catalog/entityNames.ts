// FNV-1a: a tiny pure hash, so browser and backend derive the same names without node:crypto.
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Catalog entity name of a scale set's Resource: `cluster.namespace.name`, kept within the
 * catalog's 63 characters by a hash suffix when longer.
 *
 * @public
 */
export function scaleSetEntityName(s: {
  cluster: string;
  namespace: string;
  name: string;
}): string {
  const raw = `${s.cluster}.${s.namespace}.${s.name}`.replace(
    /[^A-Za-z0-9._-]/g,
    '-',
  );
  if (raw.length <= 63) return raw;
  return `${raw.slice(0, 54).replace(/[._-]+$/, '')}-${fnv1a(raw)}`;
}
