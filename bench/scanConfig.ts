import {
  readScorecardConfig,
  readTranches,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  AdoptionConfig,
  DEFAULT_MIGRATION_LABEL,
} from '../plugins/gloriousflywheel-backend/src/adoption/AdoptionConfig';

/** The org every adoption bench scans. */
export const ORG = 'tinyland-inc';

/** The scan as configured by default: the migration pull requests ride along in every batch. */
export function scanConfig(): AdoptionConfig {
  return {
    orgs: [ORG],
    host: '127.0.0.1',
    includeForks: false,
    includeArchived: false,
    emitComponents: false,
    migrationPullRequests: {
      labels: [DEFAULT_MIGRATION_LABEL],
      headBranches: [],
      limit: 10,
    },
    scorecard: readScorecardConfig({}),
    tranches: readTranches([{ name: 'rest', rest: true }]),
    schedule: { frequency: { minutes: 30 }, timeout: { minutes: 20 } },
  };
}
