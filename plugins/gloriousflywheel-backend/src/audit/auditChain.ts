import { createHash } from 'node:crypto';
import { AuditRecord } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** JSON with object keys sorted at every level, so the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1)); // keys are unique; code-unit order, not locale order
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** hash = sha256(prevHash + canonical JSON of the record without its own hash). */
export function auditRecordHash(record: AuditRecord, prevHash: string): string {
  const { hash: _hash, ...content } = record;
  return createHash('sha256').update(prevHash).update(canonicalJson(content)).digest('hex');
}
