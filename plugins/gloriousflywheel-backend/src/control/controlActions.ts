import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  ControlAction,
  NAME_LIMITS,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { FleetReader } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { ScaleSetControlService } from './ScaleSetControlService';

export interface ControlActionsOptions {
  actionsRegistry: ActionsRegistryService;
  control: ScaleSetControlService;
  fleet: FleetReader;
}

/**
 * Agent (MCP) access through Backstage's actions registry: list scale sets, and request a
 * pause/resume through the same service as the REST API (same permission check, same audit).
 */
export function registerControlActions({
  actionsRegistry,
  control,
  fleet,
}: ControlActionsOptions) {
  actionsRegistry.register({
    name: 'list-scale-sets',
    title: 'List runner scale sets',
    description:
      'Lists the GitHub Actions runner scale sets (ARC) of the configured clusters with their runner class, ' +
      'min/max runners, current runners and paused state. Optional filters: cluster, namespace, runnerClass.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          cluster: z.string().optional().describe('cluster name'),
          namespace: z.string().optional().describe('Kubernetes namespace'),
          runnerClass: z
            .string()
            .optional()
            .describe("runner class name, or 'unclassified'"),
        }),
      output: z =>
        z.object({
          items: z.array(
            z.object({
              cluster: z.string(),
              namespace: z.string(),
              name: z.string(),
              runnerClass: z.string().nullable(),
              minRunners: z.number(),
              maxRunners: z.number().nullable().describe('null = unlimited'),
              currentRunners: z.number(),
              paused: z.boolean(),
              pausedBy: z.string().nullable(),
              pausedReason: z.string().nullable(),
              managedBy: z.string().nullable(),
            }),
          ),
        }),
    },
    action: async ({ input }) => ({
      output: {
        items: fleet.scaleSets(input).map(s => ({
          cluster: s.cluster,
          namespace: s.namespace,
          name: s.name,
          runnerClass: s.runnerClass,
          minRunners: s.minRunners,
          maxRunners: s.maxRunners,
          currentRunners: s.runners.current,
          paused: s.paused !== null,
          pausedBy: s.paused?.by ?? null,
          pausedReason: s.paused?.reason ?? null,
          managedBy: s.managedBy,
        })),
      },
    }),
  });

  const registerControl = (
    action: ControlAction,
    title: string,
    description: string,
  ) =>
    actionsRegistry.register({
      name: `${action}-scale-set`,
      title,
      description,
      attributes: { destructive: false, idempotent: true, readOnly: false },
      schema: {
        input: z =>
          z.object({
            // the control service checks the names fully (and that the cluster/namespace are configured)
            cluster: z
              .string()
              .min(1)
              .max(NAME_LIMITS.cluster)
              .describe('cluster name'),
            namespace: z
              .string()
              .min(1)
              .max(NAME_LIMITS.namespace)
              .describe('Kubernetes namespace'),
            name: z
              .string()
              .min(1)
              .max(NAME_LIMITS.scaleSet)
              .describe('AutoscalingRunnerSet name'),
            reason: z
              .string()
              .describe('why (1–500 characters); kept in the audit log'),
          }),
        output: z =>
          z.object({
            changed: z
              .boolean()
              .describe('false when it already was in that state'),
            before: z.object({
              minRunners: z.number().nullable(),
              maxRunners: z.number().nullable(),
            }),
            after: z.object({
              minRunners: z.number().nullable(),
              maxRunners: z.number().nullable(),
            }),
            warnings: z.array(z.string()),
            auditId: z.string(),
          }),
      },
      action: async ({ input, credentials }) => {
        const { reason, ...target } = input;
        const result = await control.request({
          action,
          target,
          reason,
          credentials,
        });
        return {
          output: {
            changed: result.changed,
            before: result.before,
            after: result.after,
            warnings: result.warnings,
            auditId: result.auditId,
          },
        };
      },
    });

  registerControl(
    'pause',
    'Pause a runner scale set',
    'Pauses an ARC runner scale set: minRunners and maxRunners become 0 and the prior values are kept on ' +
      'the object. Running jobs keep running; no new runners start. Needs gloriousflywheel.scaleset.pause (a service ' +
      'principal also needs it in gloriousflywheel.servicePrincipals); refused while permission.enabled is not true; audited.',
  );
  registerControl(
    'resume',
    'Resume a runner scale set',
    'Resumes a paused ARC runner scale set, restoring exactly the minRunners/maxRunners it had before the ' +
      'pause. Needs gloriousflywheel.scaleset.resume (a service principal also needs it in ' +
      'gloriousflywheel.servicePrincipals); refused while permission.enabled is not true; audited.',
  );
}
