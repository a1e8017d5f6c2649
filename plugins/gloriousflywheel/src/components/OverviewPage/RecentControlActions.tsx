import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { Link } from '@backstage/core-components';
import {
  permissionApiRef,
  usePermission,
} from '@backstage/plugin-permission-react';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { auditReadPermission } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { AuditOutcomeChip } from '../AuditLogPage/AuditTable';
import { RelativeTime } from '../RelativeTime';
import { Truncated } from '../Truncated';
import { Section } from './Section';
import { PAGE_PATHS } from './paths';

const REFRESH_MS = 15000;
const RECENT = 6;

function RecentActionsCard() {
  const api = useApi(gloriousFlywheelApiRef);
  const state = usePolling(
    async () => api.getAudit({ limit: RECENT }),
    [api],
    REFRESH_MS,
  );
  return (
    <Section
      title="Recent control actions"
      testId="overview-audit"
      state={state}
      isEmpty={v => !v.items.length}
      empty={{
        title: 'No pause or resume yet',
        description: 'Every attempt, allowed or denied, will be listed here.',
      }}
      action={<Link to={PAGE_PATHS.auditLog}>Open the audit log</Link>}
    >
      {v => (
        <Table size="small" aria-label="Recent control actions">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Who</TableCell>
              <TableCell>What</TableCell>
              <TableCell>Outcome</TableCell>
              <TableCell>Reason</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {v.items.map(r => (
              <TableRow key={r.id}>
                <TableCell>
                  <RelativeTime iso={r.time} />
                </TableCell>
                <TableCell>
                  <Truncated text={r.actor} maxWidth={180} />
                </TableCell>
                <TableCell>
                  {r.action}{' '}
                  <Truncated
                    text={`${r.cluster}/${r.namespace}/${r.name}`}
                    maxWidth={220}
                  />
                </TableCell>
                <TableCell>
                  <AuditOutcomeChip outcome={r.outcome} />
                </TableCell>
                <TableCell>
                  {r.outcome === 'succeeded' || !r.error
                    ? r.reason
                    : `${r.reason} (${r.error})`}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Section>
  );
}

/** The last pauses, resumes and denials, for those who may read the audit log (the API checks too). */
export function RecentControlActions() {
  // an app without the permission API cannot say who may read the log: show nothing
  if (!useApiHolder().get(permissionApiRef)) return null;
  return <IfMayReadAudit />;
}

function IfMayReadAudit() {
  const { allowed, loading } = usePermission({
    permission: auditReadPermission,
  });
  if (loading || !allowed) return null;
  return <RecentActionsCard />;
}
