import { randomUUID } from 'node:crypto';
import { apiVersionOf, ResourceDefinition } from './crds';
import { pruneAndDefault, validateObject } from './schema';
import { ApiError, errors, Target } from './status';

/** A stored custom object (plain JSON; stored values are never mutated, writes replace them). */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    generateName?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }[];
    finalizers?: string[];
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: unknown;
};

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, as kept in the bounded event history watches resume from. */
export interface StoreEvent {
  type: EventType;
  rv: number;
  def: ResourceDefinition;
  object: K8sObject;
  /** the object before the change (MODIFIED/DELETED) */
  prev?: K8sObject;
}

export interface WriteOptions {
  /** `status` = the /status subresource (only status changes apply) */
  subresource?: 'status';
  /** admin writes (seed, /_sandbox) may set status on the main resource */
  admin?: boolean;
  dryRun?: boolean;
}

const keyOf = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => {
  if (a === b) return 0;
  return a < b ? -1 : 1;
};
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** Everything except metadata and status: a change here bumps metadata.generation. */
const specPart = (o: K8sObject) => {
  const { metadata: _m, status: _s, ...rest } = o;
  return JSON.stringify(rest);
};
const withoutRv = (o: K8sObject) =>
  JSON.stringify({
    ...o,
    metadata: { ...o.metadata, resourceVersion: undefined },
  });

export function target(def: ResourceDefinition, name?: string): Target {
  return { group: def.group, plural: def.plural, kind: def.kind, name };
}

/**
 * The sandbox's etcd + registry: objects of every served resource, one global monotonically
 * increasing resourceVersion, and a bounded history of events for watches and paged lists.
 */
export class ClusterStore {
  private rv: number;
  private compacted: number;
  private readonly objects = new Map<string, Map<string, K8sObject>>();
  private history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  readonly namespaces = new Set<string>();
  private nameCounter = 0;

  constructor(
    readonly defs: ResourceDefinition[],
    private readonly historyLimit = 1000,
    initialResourceVersion = 1000,
  ) {
    this.rv = initialResourceVersion;
    this.compacted = initialResourceVersion;
    for (const d of defs) this.objects.set(d.plural, new Map());
  }

  def(plural: string): ResourceDefinition | undefined {
    return this.defs.find(d => d.plural === plural);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** Oldest resourceVersion a watch or a continue token may start from. */
  get compactedResourceVersion(): number {
    return this.compacted;
  }

  get historySize(): number {
    return this.history.length;
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Drops the whole event history: every older resourceVersion is now "too old" (410). */
  compact(): void {
    this.history = [];
    this.compacted = this.rv;
  }

  get(
    plural: string,
    namespace: string | undefined,
    name: string,
  ): K8sObject | undefined {
    return this.objects.get(plural)?.get(keyOf(namespace, name));
  }

  /** Objects sorted by namespace/name, the order the API server lists in. */
  list(plural: string): K8sObject[] {
    const m = this.objects.get(plural) ?? new Map();
    return [...m.entries()].sort(byKey).map(([, o]) => o);
  }

  /** Objects as they were at `rv` (undefined when history no longer reaches back that far). */
  listAt(plural: string, rv: number): K8sObject[] | undefined {
    if (rv < this.compacted) return undefined;
    if (rv >= this.rv) return this.list(plural);
    const m = new Map(this.objects.get(plural));
    for (
      let i = this.history.length - 1;
      i >= 0 && this.history[i].rv > rv;
      i--
    ) {
      const e = this.history[i];
      if (e.def.plural !== plural) continue;
      const k = keyOf(e.object.metadata.namespace, e.object.metadata.name);
      if (e.type === 'ADDED') m.delete(k);
      else m.set(k, e.prev!);
    }
    return [...m.entries()].sort(byKey).map(([, o]) => o);
  }

  /** Events after `rv`, or undefined if that is older than the history keeps (→ 410). */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.compacted) return undefined;
    const i = this.history.findIndex(e => e.rv > rv);
    return i === -1 ? [] : this.history.slice(i);
  }

  private commit(
    def: ResourceDefinition,
    type: EventType,
    object: K8sObject,
    prev?: K8sObject,
  ) {
    const map = this.objects.get(def.plural)!;
    const k = keyOf(object.metadata.namespace, object.metadata.name);
    if (type === 'DELETED') map.delete(k);
    else map.set(k, object);
    const event: StoreEvent = { type, rv: this.rv, def, object, prev };
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(
        0,
        this.history.length - this.historyLimit,
      );
      this.compacted = dropped[dropped.length - 1].rv;
    }
    for (const l of [...this.listeners]) l(event);
  }

  /** A name for `generateName` (exposed so seeded runners can carry it in status.runnerName). */
  generateName(prefix: string): string {
    // deterministic per store, shaped like the API server's 5 random characters; a bijection
    // of the counter modulo 27^5, so names don't repeat within 14M objects
    const base = GENERATE_CHARS.length;
    let n = (++this.nameCounter * 7919 + 104729) % base ** 5;
    let s = '';
    for (let i = 0; i < 5; i++) {
      s += GENERATE_CHARS[n % base];
      n = Math.floor(n / base);
    }
    return prefix + s;
  }

  /** Prune, default and validate like the API server; throws 422 Invalid. */
  private admit(def: ResourceDefinition, obj: K8sObject): K8sObject {
    pruneAndDefault(obj, def.schema);
    const causes = validateObject(def, obj);
    if (causes.length)
      throw errors.invalid(target(def, obj.metadata?.name), causes);
    return obj;
  }

  create(
    def: ResourceDefinition,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions = {},
  ): K8sObject {
    const obj = checkTypeMeta(def, body);
    const meta = obj.metadata;
    if (def.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = meta.namespace || namespace;
      if (
        !opts.admin &&
        meta.namespace &&
        !this.namespaces.has(meta.namespace)
      ) {
        throw errors.namespaceNotFound(meta.namespace);
      }
    }
    if (meta.resourceVersion) {
      throw errors.badRequest(
        'resourceVersion should not be set on objects to be created',
      );
    }
    if (
      !meta.name &&
      typeof meta.generateName === 'string' &&
      meta.generateName
    ) {
      meta.name = this.generateName(meta.generateName);
    }
    if (def.hasStatus && !opts.admin) delete obj.status;
    delete meta.deletionTimestamp;
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    meta.generation = 1;
    this.admit(def, obj);
    if (this.get(def.plural, meta.namespace, meta.name)) {
      throw errors.alreadyExists(target(def, meta.name));
    }
    if (opts.dryRun)
      return {
        ...obj,
        metadata: { ...meta, resourceVersion: String(this.rv) },
      };
    if (meta.namespace) this.ensureNamespace(meta.namespace);
    if (def.plural === 'namespaces') {
      // the API server labels every namespace with its name and starts it Active
      meta.labels = {
        ...meta.labels,
        'kubernetes.io/metadata.name': meta.name,
      };
      obj.spec = { finalizers: ['kubernetes'], ...obj.spec };
      obj.status = { phase: 'Active' };
      this.namespaces.add(meta.name);
    }
    meta.resourceVersion = String(++this.rv);
    this.commit(def, 'ADDED', obj);
    return obj;
  }

  /** Makes sure a namespace exists (a Namespace object when the core API is served). */
  ensureNamespace(name: string): void {
    if (this.namespaces.has(name)) return;
    const def = this.def('namespaces');
    if (!def) {
      this.namespaces.add(name);
      return;
    }
    this.create(
      def,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      { admin: true },
    );
  }

  /**
   * Replaces an object (PUT, or the result of a patch). `requireResourceVersion`: PUT on a custom
   * resource must carry metadata.resourceVersion (CRDs don't allow unconditional update).
   */
  update(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions & { requireResourceVersion?: boolean } = {},
  ): K8sObject {
    const current = this.get(def.plural, namespace, name);
    if (!current) throw errors.notFound(target(def, name));
    const incoming = checkTypeMeta(def, body);
    const t = target(def, name);
    if (incoming.metadata.name && incoming.metadata.name !== name) {
      throw errors.badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (
      def.namespaced &&
      incoming.metadata.namespace &&
      incoming.metadata.namespace !== namespace
    ) {
      throw errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (
      incoming.metadata.uid &&
      incoming.metadata.uid !== current.metadata.uid
    ) {
      throw errors.conflict(
        t,
        `Precondition failed: UID in precondition: ${incoming.metadata.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    const rv = incoming.metadata.resourceVersion;
    if (!rv && opts.requireResourceVersion) {
      throw errors.invalid(t, [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
          field: 'metadata.resourceVersion',
        },
      ]);
    }
    if (rv && rv !== current.metadata.resourceVersion) throw errors.conflict(t);

    let next: K8sObject;
    if (opts.subresource === 'status') {
      // /status: only the status stanza changes
      next = { ...structuredClone(current), status: incoming.status };
      if (next.status === undefined) delete next.status;
    } else {
      next = incoming;
      if (def.hasStatus && !opts.admin) {
        if (current.status === undefined) delete next.status;
        else next.status = structuredClone(current.status);
      }
      // server-owned metadata is immutable through the API
      next.metadata = {
        ...next.metadata,
        name,
        namespace: current.metadata.namespace,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        generation: current.metadata.generation,
        deletionTimestamp: current.metadata.deletionTimestamp,
      };
      if (next.metadata.namespace === undefined) delete next.metadata.namespace;
      if (next.metadata.deletionTimestamp === undefined)
        delete next.metadata.deletionTimestamp;
      delete next.metadata.generateName;
      if (current.metadata.generateName)
        next.metadata.generateName = current.metadata.generateName;
    }
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    this.admit(def, next);
    if (specPart(next) !== specPart(current)) {
      next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    }
    // a no-op write is not a write: same resourceVersion, no event
    if (withoutRv(next) === withoutRv(current)) return current;
    if (opts.dryRun) return next;
    if (
      current.metadata.deletionTimestamp &&
      !next.metadata.finalizers?.length
    ) {
      return this.remove(def, current, next);
    }
    next.metadata.resourceVersion = String(++this.rv);
    this.commit(def, 'MODIFIED', next, current);
    return next;
  }

  /**
   * DELETE: with finalizers the object only gets a deletionTimestamp (like the API server);
   * otherwise it is removed, and objects it controls (ownerReferences) are garbage-collected.
   */
  delete(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    preconditions: { uid?: string; resourceVersion?: string } = {},
    opts: WriteOptions = {},
  ): K8sObject {
    const current = this.get(def.plural, namespace, name);
    const t = target(def, name);
    if (!current) throw errors.notFound(t);
    if (preconditions.uid && preconditions.uid !== current.metadata.uid) {
      throw errors.conflict(
        t,
        `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (
      preconditions.resourceVersion &&
      preconditions.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw errors.conflict(
        t,
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    if (opts.dryRun) return current;
    if (current.metadata.finalizers?.length && !opts.admin) {
      if (current.metadata.deletionTimestamp) return current;
      const next = structuredClone(current);
      next.metadata.deletionTimestamp = now();
      next.metadata.generation = (current.metadata.generation ?? 1) + 1;
      next.metadata.resourceVersion = String(++this.rv);
      this.commit(def, 'MODIFIED', next, current);
      return next;
    }
    return this.remove(def, current, current);
  }

  private remove(
    def: ResourceDefinition,
    current: K8sObject,
    last: K8sObject,
  ): K8sObject {
    const gone: K8sObject = {
      ...last,
      metadata: { ...last.metadata, resourceVersion: String(++this.rv) },
    };
    this.commit(def, 'DELETED', gone, current);
    if (def.plural === 'namespaces') {
      // the namespace controller empties a deleted namespace
      this.namespaces.delete(current.metadata.name);
      for (const d of this.defs.filter(x => x.namespaced)) {
        for (const o of this.list(d.plural))
          if (o.metadata.namespace === current.metadata.name)
            this.remove(d, o, o);
      }
    }
    // garbage collector: dependents whose ownerReference points at the deleted uid
    for (const d of this.defs) {
      for (const dep of this.list(d.plural)) {
        if (
          dep.metadata.ownerReferences?.some(
            r => r.uid === current.metadata.uid,
          )
        ) {
          this.remove(d, dep, dep);
        }
      }
    }
    return gone;
  }
}

/** Body must be an object of this resource's apiVersion/kind (decoding step of the API server). */
function checkTypeMeta(def: ResourceDefinition, body: unknown): K8sObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.badRequest('the body of the request was not a JSON object');
  }
  const obj = structuredClone(body) as K8sObject;
  if (def.group === '') {
    // built-in types decode with the kind the URL names when the body leaves it out
    obj.apiVersion ??= apiVersionOf(def);
    obj.kind ??= def.kind;
  }
  if (!obj.kind)
    throw errors.badRequest(
      `Object 'Kind' is missing in '${JSON.stringify(body).slice(0, 200)}'`,
    );
  if (!obj.apiVersion)
    throw errors.badRequest(
      `Object 'apiVersion' is missing in '${JSON.stringify(body).slice(
        0,
        200,
      )}'`,
    );
  if (obj.kind !== def.kind || obj.apiVersion !== apiVersionOf(def)) {
    throw errors.badRequest(
      `the API version in the data (${
        obj.apiVersion
      }) does not match the expected API version (${apiVersionOf(
        def,
      )}) or kind ${obj.kind} is not ${def.kind}`,
    );
  }
  if (
    typeof obj.metadata !== 'object' ||
    obj.metadata === null ||
    Array.isArray(obj.metadata)
  ) {
    obj.metadata = {} as K8sObject['metadata'];
  }
  return obj;
}

export { ApiError };
