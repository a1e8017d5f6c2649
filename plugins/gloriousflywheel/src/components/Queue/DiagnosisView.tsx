import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { JobDiagnosis } from '@tinyland/backstage-plugin-gloriousflywheel-common';

const SEVERITY = { block: 'error', warning: 'warning', info: 'info' } as const;

/** The reasons a job waits, most important first, each with its evidence and fix. */
export function DiagnosisView({
  diagnosis,
  dense,
}: {
  diagnosis: JobDiagnosis;
  dense?: boolean;
}) {
  if (diagnosis.reasons.length === 0) {
    return (
      <Typography variant="body2">
        Not waiting: the job is {diagnosis.job.status.replace('_', ' ')}.
      </Typography>
    );
  }
  return (
    <Stack spacing={1} data-testid={`diagnosis-${diagnosis.job.id}`}>
      {diagnosis.reasons.map(r => (
        <Alert
          key={r.kind}
          severity={SEVERITY[r.severity]}
          data-testid={`reason-${r.kind}`}
        >
          <AlertTitle>{r.summary}</AlertTitle>
          {!dense && r.evidence.length > 0 && (
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {r.evidence.map(e => (
                <li key={e}>
                  <Typography variant="body2">{e}</Typography>
                </li>
              ))}
            </ul>
          )}
          <Typography variant="body2">
            <b>Fix:</b> {r.fix}
          </Typography>
          {r.links.map(l => (
            <Link key={l.url} to={l.url}>
              {l.title}
            </Link>
          ))}
        </Alert>
      ))}
    </Stack>
  );
}
