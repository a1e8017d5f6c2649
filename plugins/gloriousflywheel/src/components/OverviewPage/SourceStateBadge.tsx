import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { SourceStatus } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** A source's state in Backstage's status colours. */
export function SourceStateBadge({ state }: { state: SourceStatus['state'] }) {
  switch (state) {
    case 'ok':
      return <StatusOK>ok</StatusOK>;
    case 'degraded':
      return <StatusWarning>degraded</StatusWarning>;
    case 'error':
      return <StatusError>error</StatusError>;
    case 'starting':
      return <StatusPending>starting</StatusPending>;
    default:
      return <StatusPending>not configured</StatusPending>;
  }
}
