import type { JsonSchema, ResourceDefinition } from './crds';

/**
 * The core (`v1`) resources the sandbox serves: `namespaces` and `pods`. Their schemas are the
 * structural subset of Kubernetes' own OpenAPI definitions that the sandbox's objects and
 * clients use; like the API server, unknown fields are pruned and the rest is validated.
 */

const str: JsonSchema = { type: 'string' };
const int: JsonSchema = { type: 'integer' };
const bool: JsonSchema = { type: 'boolean' };
const strMap: JsonSchema = { type: 'object', additionalProperties: str };
const open: JsonSchema = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
};

const condition: JsonSchema = {
  type: 'object',
  required: ['type', 'status'],
  properties: {
    type: str,
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    lastProbeTime: str,
    lastTransitionTime: str,
    reason: str,
    message: str,
  },
};

const container: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: str,
    image: str,
    command: { type: 'array', items: str },
    args: { type: 'array', items: str },
    env: { type: 'array', items: open },
    ports: { type: 'array', items: open },
    volumeMounts: { type: 'array', items: open },
    resources: open,
    securityContext: open,
    imagePullPolicy: str,
  },
};

const containerStatus: JsonSchema = {
  type: 'object',
  required: ['name', 'ready', 'restartCount', 'image', 'imageID'],
  properties: {
    name: str,
    ready: bool,
    started: bool,
    restartCount: int,
    image: str,
    imageID: str,
    containerID: str,
    state: open,
    lastState: open,
  },
};

const podSchema: JsonSchema = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['containers'],
      properties: {
        containers: { type: 'array', items: container },
        initContainers: { type: 'array', items: container },
        volumes: { type: 'array', items: open },
        restartPolicy: {
          type: 'string',
          enum: ['Always', 'OnFailure', 'Never'],
        },
        serviceAccountName: str,
        nodeName: str,
        nodeSelector: strMap,
        terminationGracePeriodSeconds: int,
        imagePullSecrets: { type: 'array', items: open },
        securityContext: open,
        tolerations: { type: 'array', items: open },
        affinity: open,
      },
    },
    status: {
      type: 'object',
      properties: {
        phase: {
          type: 'string',
          enum: ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'],
        },
        conditions: { type: 'array', items: condition },
        containerStatuses: { type: 'array', items: containerStatus },
        message: str,
        reason: str,
        hostIP: str,
        podIP: str,
        startTime: str,
        qosClass: str,
      },
    },
  },
};

const namespaceSchema: JsonSchema = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: { finalizers: { type: 'array', items: str } },
    },
    status: {
      type: 'object',
      properties: {
        phase: { type: 'string', enum: ['Active', 'Terminating'] },
        conditions: { type: 'array', items: condition },
      },
    },
  },
};

/** Definitions of the core resources, shaped like the CRD-derived ones. */
export function coreResourceDefinitions(): ResourceDefinition[] {
  return [
    {
      group: '',
      version: 'v1',
      plural: 'namespaces',
      singular: 'namespace',
      kind: 'Namespace',
      listKind: 'NamespaceList',
      shortNames: ['ns'],
      namespaced: false,
      hasStatus: true,
      schema: namespaceSchema,
    },
    {
      group: '',
      version: 'v1',
      plural: 'pods',
      singular: 'pod',
      kind: 'Pod',
      listKind: 'PodList',
      shortNames: ['po'],
      namespaced: true,
      hasStatus: true,
      schema: podSchema,
    },
  ];
}
