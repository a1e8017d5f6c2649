import { stringify } from 'csv-stringify/sync';
import { AuditRecord } from '@tinyland/backstage-plugin-gloriousflywheel-common';

const COLUMNS: Array<[string, (r: AuditRecord) => string | number | null]> = [
  ['id', r => r.id],
  ['seq', r => r.seq],
  ['time', r => r.time],
  ['completedAt', r => r.completedAt],
  ['actor', r => r.actor],
  ['action', r => r.action],
  ['cluster', r => r.cluster],
  ['namespace', r => r.namespace],
  ['name', r => r.name],
  ['runnerClass', r => r.runnerClass],
  ['reason', r => r.reason],
  ['requestId', r => r.requestId],
  ['outcome', r => r.outcome],
  ['error', r => r.error],
  ['beforeMinRunners', r => r.before?.minRunners ?? null],
  ['beforeMaxRunners', r => r.before?.maxRunners ?? null],
  ['afterMinRunners', r => r.after?.minRunners ?? null],
  ['afterMaxRunners', r => r.after?.maxRunners ?? null],
  ['prevHash', r => r.prevHash],
  ['hash', r => r.hash],
];

/**
 * The audit log as CSV (RFC 4180 quoting by csv-stringify). Reasons are user input, so cells that
 * a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, …) are escaped.
 */
export function auditRecordsToCsv(records: AuditRecord[]): string {
  return stringify(
    records.map(r => COLUMNS.map(([, get]) => get(r) ?? '')),
    {
      header: true,
      columns: COLUMNS.map(([name]) => name),
      escape_formulas: true,
      record_delimiter: '\r\n',
    },
  );
}
