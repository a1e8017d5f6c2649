import { errors } from './status';

/** A parsed selector: matches an object or not. */
export type Matcher = (obj: any) => boolean;

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/** Splits on commas that are not inside parentheses (set-based `in (a,b)`). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map(x => x.trim()).filter(Boolean);
}

/** Parses a label selector (`a=b,c!=d,e in (f,g),h notin (i),j,!k`) as the API server does. */
export function parseLabelSelector(
  selector: string | undefined | null,
): Matcher {
  if (!selector || !selector.trim()) return () => true;
  const reqs: Requirement[] = splitTop(selector).map(part => {
    let m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      return {
        op: m[2] as 'in' | 'notin',
        key: m[1],
        values: m[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      };
    }
    m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(part);
    if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1], value: m[3] };
    m = /^!\s*([^\s!=(),]+)$/.exec(part);
    if (m) return { op: 'notexists', key: m[1] };
    m = /^([^\s!=(),]+)$/.exec(part);
    if (m) return { op: 'exists', key: m[1] };
    throw errors.badRequest(
      `unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`,
    );
  });
  return obj => {
    const labels: Record<string, string> = obj?.metadata?.labels ?? {};
    return reqs.every(r => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      switch (r.op) {
        case 'eq':
          return has && labels[r.key] === r.value;
        case 'neq':
          return !has || labels[r.key] !== r.value;
        case 'in':
          return has && r.values.includes(labels[r.key]);
        case 'notin':
          return !has || !r.values.includes(labels[r.key]);
        case 'exists':
          return has;
        default:
          return !has;
      }
    });
  };
}

/** Field selectors custom resources support: metadata.name and metadata.namespace only. */
export function parseFieldSelector(
  selector: string | undefined | null,
): Matcher {
  if (!selector || !selector.trim()) return () => true;
  const reqs = selector.split(',').map(part => {
    const m = /^\s*([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)\s*$/.exec(part);
    if (!m)
      throw errors.badRequest(
        `invalid selector: '${selector}'; can't understand '${part}'`,
      );
    const [, field, op, value] = m;
    if (field !== 'metadata.name' && field !== 'metadata.namespace') {
      throw errors.badRequest(`field label not supported: ${field}`);
    }
    return {
      field: field === 'metadata.name' ? 'name' : 'namespace',
      neq: op === '!=',
      value,
    };
  });
  return obj =>
    reqs.every(r => {
      const v = obj?.metadata?.[r.field] ?? '';
      return r.neq ? v !== r.value : v === r.value;
    });
}
