import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** The JSON schema subset of a CRD's openAPIV3Schema (structural schema). */
export type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  required?: string[];
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  [key: string]: unknown;
};

/** One served resource, read from a real ARC CRD (group actions.github.com, version v1alpha1). */
export interface ResourceDefinition {
  group: string;
  version: string;
  /** e.g. autoscalingrunnersets */
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  namespaced: boolean;
  hasStatus: boolean;
  schema: JsonSchema;
}

/** `group/version`, or `v1` for the core group (group ''). */
export const apiVersionOf = (
  def: Pick<ResourceDefinition, 'group' | 'version'>,
) => (def.group ? `${def.group}/${def.version}` : def.version);

export const ARC_GROUP = 'actions.github.com';
export const ARC_VERSION = 'v1alpha1';
export const ARC_API_VERSION = `${ARC_GROUP}/${ARC_VERSION}`;

const CRD_FILES = [
  'actions.github.com_autoscalingrunnersets.yaml',
  'actions.github.com_ephemeralrunnersets.yaml',
  'actions.github.com_ephemeralrunners.yaml',
  'actions.github.com_autoscalinglisteners.yaml',
];

/** The package's crds/ folder (shipped with the package: `files` in package.json). */
export function findCrdDir(): string {
  const dir = path.join(
    path.dirname(require.resolve('@internal/fleet-sandbox/package.json')),
    'crds',
  );
  if (!fs.existsSync(path.join(dir, CRD_FILES[0]))) {
    throw new Error(`fleet-sandbox: ARC CRDs not found in ${dir}`);
  }
  return dir;
}

const cache = new Map<string, ResourceDefinition[]>();

/** Loads the four ARC CRDs (parsed once per process and folder: they are ~3 MB of YAML). */
export function loadResourceDefinitions(
  crdDir = findCrdDir(),
): ResourceDefinition[] {
  const cached = cache.get(crdDir);
  if (cached) return cached;
  const defs = CRD_FILES.map(file => {
    const crd = parse(fs.readFileSync(path.join(crdDir, file), 'utf8'));
    const version = (crd.spec.versions as any[]).find(
      v => v.name === ARC_VERSION,
    );
    if (!version || crd.spec.group !== ARC_GROUP) {
      throw new Error(`fleet-sandbox: ${file} has no ${ARC_API_VERSION}`);
    }
    return {
      group: crd.spec.group,
      version: version.name,
      plural: crd.spec.names.plural,
      singular: crd.spec.names.singular,
      kind: crd.spec.names.kind,
      listKind: crd.spec.names.listKind,
      shortNames: crd.spec.names.shortNames ?? [],
      namespaced: crd.spec.scope === 'Namespaced',
      hasStatus: Boolean(version.subresources?.status),
      schema: version.schema.openAPIV3Schema,
    } satisfies ResourceDefinition;
  });
  cache.set(crdDir, defs);
  return defs;
}
