import {
  CreatePermissionRuleOptions,
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  SCALE_SET_RESOURCE_TYPE,
  UNCLASSIFIED_RUNNER_CLASS,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/**
 * What the permission rules see of a scale set.
 *
 * @public
 */
export interface ScaleSetResource {
  cluster: string;
  namespace: string;
  name: string;
  /** null = matches no runner class (unclassified) */
  runnerClass: string | null;
  /**
   * entity ref owning the runner class (`runnerClasses[].owner`, else `gloriousflywheel.owner`,
   * default `group:default/platform-team`): the owner the catalog shows on its entities
   */
  owner: string;
}

/**
 * Query form of the rules (a property of {@link ScaleSetResource} that must be one of `values`).
 *
 * @public
 */
export interface ScaleSetPermissionQuery {
  property: 'cluster' | 'namespace' | 'runnerClass' | 'owner';
  values: string[];
}

/**
 * The scale-set resource type of the GloriousFlywheel plugin in the permission framework.
 *
 * @public
 */
export const scaleSetPermissionResourceRef = createPermissionResourceRef<
  ScaleSetResource,
  ScaleSetPermissionQuery
>().with({
  pluginId: 'gloriousflywheel',
  resourceType: SCALE_SET_RESOURCE_TYPE,
});

/**
 * Params of a scale-set permission rule: one list of names, e.g. `{ clusters: ['honey'] }`.
 *
 * @public
 */
export type ScaleSetRuleParams<K extends string> = { [key in K]: string[] };

/**
 * Params schema `{ [key]: string[] }` as a Standard Schema with its JSON Schema. Hand-written on
 * purpose: zod 3 schemas make the type checker explode on createPermissionRule's overloads.
 */
function stringListParams<K extends string>(
  key: K,
  description: string,
): NonNullable<
  CreatePermissionRuleOptions<
    typeof scaleSetPermissionResourceRef,
    ScaleSetRuleParams<K>
  >['paramsSchema']
> {
  const jsonSchema = () => ({
    type: 'object',
    properties: {
      [key]: { type: 'array', items: { type: 'string' }, description },
    },
    required: [key],
    additionalProperties: false,
  });
  return {
    '~standard': {
      version: 1,
      vendor: 'gloriousflywheel',
      validate(value: unknown) {
        const list =
          typeof value === 'object' && value !== null
            ? (value as Record<string, unknown>)[key]
            : undefined;
        if (Array.isArray(list) && list.every(v => typeof v === 'string')) {
          return { value: { [key]: [...list] } as ScaleSetRuleParams<K> };
        }
        return {
          issues: [
            { message: `${key} must be a list of strings`, path: [key] },
          ],
        };
      },
      jsonSchema: { input: jsonSchema, output: jsonSchema },
    },
  };
}

// Entity refs compare case-insensitively in Backstage.
const lower = (values: string[]) =>
  values.map(v => v.toLocaleLowerCase('en-US'));

const isInCluster = createPermissionRule({
  name: 'IS_IN_CLUSTER',
  description: 'Allow scale sets in one of the given clusters',
  resourceRef: scaleSetPermissionResourceRef,
  paramsSchema: stringListParams('clusters', 'cluster names'),
  apply: (resource, { clusters }) => clusters.includes(resource.cluster),
  toQuery: ({ clusters }) => ({ property: 'cluster', values: clusters }),
});

const isInNamespace = createPermissionRule({
  name: 'IS_IN_NAMESPACE',
  description: 'Allow scale sets in one of the given namespaces',
  resourceRef: scaleSetPermissionResourceRef,
  paramsSchema: stringListParams('namespaces', 'Kubernetes namespaces'),
  apply: (resource, { namespaces }) => namespaces.includes(resource.namespace),
  toQuery: ({ namespaces }) => ({ property: 'namespace', values: namespaces }),
});

const isOfRunnerClass = createPermissionRule({
  name: 'IS_OF_RUNNER_CLASS',
  description:
    "Allow scale sets serving one of the given runner classes ('unclassified' for none)",
  resourceRef: scaleSetPermissionResourceRef,
  paramsSchema: stringListParams('runnerClasses', 'runner class names'),
  apply: (resource, { runnerClasses }) =>
    runnerClasses.includes(resource.runnerClass ?? UNCLASSIFIED_RUNNER_CLASS),
  toQuery: ({ runnerClasses }) => ({
    property: 'runnerClass',
    values: runnerClasses,
  }),
});

const isOwnedByUser = createPermissionRule({
  name: 'IS_OWNED_BY_USER',
  description:
    "Allow scale sets whose runner class is owned by one of the user's ownership entity refs",
  resourceRef: scaleSetPermissionResourceRef,
  paramsSchema: stringListParams(
    'ownershipEntityRefs',
    "the user's entity ref and ownership entity refs (user.info.ownershipEntityRefs)",
  ),
  apply: (resource, { ownershipEntityRefs }) =>
    lower(ownershipEntityRefs).includes(
      resource.owner.toLocaleLowerCase('en-US'),
    ),
  toQuery: ({ ownershipEntityRefs }) => ({
    property: 'owner',
    values: lower(ownershipEntityRefs),
  }),
});

/**
 * The permission rules of scale sets, by name.
 *
 * @public
 */
export const scaleSetPermissionRules = {
  isInCluster,
  isInNamespace,
  isOfRunnerClass,
  isOwnedByUser,
};

const conditionExports = createConditionExports({
  resourceRef: scaleSetPermissionResourceRef,
  rules: scaleSetPermissionRules,
});

/**
 * Condition factories for policies, e.g.
 * `scaleSetConditions.isOwnedByUser({ ownershipEntityRefs: user.info.ownershipEntityRefs })`.
 *
 * @public
 */
export const scaleSetConditions = conditionExports.conditions;

/**
 * Builds a conditional decision for `gloriousflywheel.scaleset.pause` / `.resume` in a policy.
 *
 * @public
 */
export const createScaleSetConditionalDecision =
  conditionExports.createConditionalDecision;
