import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import {
  CONTROL_REASON_MAX_LENGTH,
  ScaleSet,
  scaleSetPausePermission,
  scaleSetResourceRef,
  scaleSetResumePermission,
  UNCLASSIFIED_RUNNER_CLASS,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousFlywheelApiRef } from '../../api';
import { chipTextSx } from '../chipContrast';

const bounds = (min: number | null, max: number | null) =>
  `min ${min ?? 0} / max ${max === null ? 'unlimited' : max}`;

/**
 * Pause or resume one scale set. Shown only when the permission framework allows it for this
 * scale set; the backend checks again on every request.
 */
export function ScaleSetControlButton({
  scaleSet,
  onChanged,
}: {
  scaleSet: ScaleSet;
  onChanged?: () => void;
}) {
  const action = scaleSet.paused ? 'resume' : 'pause';
  const permission = usePermission({
    permission:
      action === 'pause' ? scaleSetPausePermission : scaleSetResumePermission,
    resourceRef: scaleSetResourceRef(scaleSet),
  });
  const api = useApi(gloriousFlywheelApiRef);
  const alertApi = useApi(alertApiRef);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (permission.loading || !permission.allowed) return null;

  const trimmed = reason.trim();
  const valid =
    trimmed.length > 0 && trimmed.length <= CONTROL_REASON_MAX_LENGTH;
  const now = bounds(scaleSet.minRunners, scaleSet.maxRunners);
  const after =
    action === 'pause'
      ? bounds(0, 0)
      : bounds(
          scaleSet.paused?.minRunners ?? 0,
          scaleSet.paused?.maxRunners ?? null,
        );

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.controlScaleSet(action, scaleSet, trimmed);
      setOpen(false);
      setReason('');
      alertApi.post({
        message: `${scaleSet.name} ${
          action === 'pause' ? 'paused' : 'resumed'
        }${result.changed ? '' : ' (it already was)'}${
          result.warnings.length ? `; ${result.warnings.join('; ')}` : ''
        }`,
        severity: result.warnings.length ? 'warning' : 'success',
        display: 'transient',
      });
      onChanged?.();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {/* primary for both: MUI's warning orange as text on white is ~3:1 (axe color-contrast) */}
      <Button
        size="small"
        variant="outlined"
        color="primary"
        onClick={() => setOpen(true)}
        aria-label={`${action} ${scaleSet.name}`}
      >
        {action}
      </Button>
      <Dialog
        open={open}
        onClose={() => !busy && setOpen(false)}
        maxWidth="sm"
        fullWidth
      >
        <DialogTitle>
          {action === 'pause' ? 'Pause' : 'Resume'} scale set {scaleSet.name}
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2" gutterBottom>
            {scaleSet.cluster}/{scaleSet.namespace} · runner class{' '}
            {scaleSet.runnerClass ?? UNCLASSIFIED_RUNNER_CLASS}
          </Typography>
          <Typography variant="body1" gutterBottom data-testid="control-effect">
            {now} → {after}
          </Typography>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            {action === 'pause'
              ? 'No new runners start while paused. Running jobs are never killed: they finish on their runners.'
              : 'The scale set gets back the values it had before it was paused.'}
          </Typography>
          {scaleSet.managedBy && (
            <Alert severity="warning" sx={{ my: 1 }}>
              Managed by {scaleSet.managedBy}: a sync may revert this change.
            </Alert>
          )}
          <TextField
            fullWidth
            required
            multiline
            minRows={2}
            margin="dense"
            label="Reason (recorded in the audit log)"
            value={reason}
            onChange={e => setReason(e.target.value)}
            error={trimmed.length > CONTROL_REASON_MAX_LENGTH}
            helperText={`${trimmed.length}/${CONTROL_REASON_MAX_LENGTH}`}
          />
          {error && (
            <Alert severity="error" sx={{ mt: 1 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </Button>
          <Button
            variant="contained"
            onClick={submit}
            disabled={!valid || busy}
            color={action === 'pause' ? 'warning' : 'primary'}
            sx={action === 'pause' ? chipTextSx('warning') : undefined}
          >
            {action === 'pause' ? 'Pause' : 'Resume'}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
