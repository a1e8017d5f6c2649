export { AuditLogPage } from './AuditLogPage';
export { AuditTable } from './AuditTable';
