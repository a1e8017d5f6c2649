import { SeedScaleSet } from '../seed/fleetSeed';
import { applyMergePatch } from './patch';
import {
  ANNOTATION_SCALE_SET_ID,
  autoscalingRunnerSetObject,
  LABEL_COMPONENT,
  ephemeralRunnerObject,
  ephemeralRunnerSetObject,
  RUNNER_PHASES,
  wantedRunners,
} from './seedObjects';
import { ClusterStore, K8sObject } from './store';
import {
  autoscalingListenerObject,
  LISTENER_NAMESPACE,
  listenerPodObject,
  ListenerState,
  podReady,
} from './listeners';

/**
 * Admin-side changes to the fleet (seed, /_sandbox, in-process API): what ARC's controller would
 * do when a scale set appears, changes or goes. Every object still passes the CRD schema.
 */
export class FleetObjects {
  private nextScaleSetId = 1;
  private nextRunnerId = 1;
  /** listener state per scale set (`namespace/name`); absent = ready */
  private readonly listenerStates = new Map<string, ListenerState>();
  /** scale set uid → name of its listener / EphemeralRunnerSet */
  private readonly listenerNames = new Map<string, string>();
  private readonly runnerSetNames = new Map<string, string>();

  constructor(private readonly store: ClusterStore) {}

  private def(plural: string) {
    const d = this.store.def(plural);
    if (!d) throw new Error(`fleet-sandbox: no resource ${plural}`);
    return d;
  }

  private owned(plural: string, owner: K8sObject): K8sObject[] {
    return this.store
      .list(plural)
      .filter(o =>
        o.metadata.ownerReferences?.some(r => r.uid === owner.metadata.uid),
      );
  }

  /** Creates or replaces a scale set with its EphemeralRunnerSet and runners (matching status). */
  upsertScaleSet(seed: SeedScaleSet): K8sObject {
    const arsDef = this.def('autoscalingrunnersets');
    const existing = this.store.get(arsDef.plural, seed.namespace, seed.name);
    const knownId = Number(
      existing?.metadata.annotations?.[ANNOTATION_SCALE_SET_ID],
    );
    const id =
      Number.isInteger(knownId) && knownId > 0
        ? knownId
        : this.nextScaleSetId++;
    const desired = autoscalingRunnerSetObject(seed, id);
    const ars = existing
      ? this.store.update(arsDef, seed.namespace, seed.name, desired, {
          admin: true,
        })
      : this.store.create(arsDef, seed.namespace, desired, { admin: true });

    const ersDef = this.def('ephemeralrunnersets');
    const ersDesired = ephemeralRunnerSetObject(ars, seed);
    const ersExisting = this.runnerSetOf(ars);
    let ers: K8sObject;
    if (ersExisting) {
      ersDesired.metadata.name = ersExisting.metadata.name;
      ers = this.store.update(
        ersDef,
        ars.metadata.namespace,
        ersExisting.metadata.name,
        ersDesired,
        { admin: true },
      );
    } else {
      ersDesired.metadata.name = this.store.generateName(
        ersDesired.metadata.generateName!,
      );
      ers = this.store.create(ersDef, ars.metadata.namespace, ersDesired, {
        admin: true,
      });
      this.runnerSetNames.set(ars.metadata.uid!, ers.metadata.name);
    }

    const erDef = this.def('ephemeralrunners');
    const runners = this.owned(erDef.plural, ers);
    const want = wantedRunners(seed.status);
    for (const phase of RUNNER_PHASES) {
      const have = runners.filter(r => r.status?.phase === phase);
      // scale down: the newest runners of that phase go first
      for (const r of have.slice(want[phase]).reverse()) {
        this.store.delete(
          erDef,
          r.metadata.namespace,
          r.metadata.name,
          {},
          { admin: true },
        );
      }
      for (let i = have.length; i < want[phase]; i++) {
        const runner = ephemeralRunnerObject(
          ers,
          ars,
          phase,
          this.nextRunnerId++,
        );
        runner.metadata.name = this.store.generateName(
          runner.metadata.generateName!,
        );
        runner.status.runnerName = runner.metadata.name;
        this.store.create(erDef, ars.metadata.namespace, runner, {
          admin: true,
        });
      }
    }
    // stray runners (unknown phase, e.g. Succeeded) are finished: ARC deletes them
    for (const r of runners) {
      if (!RUNNER_PHASES.includes(r.status?.phase)) {
        this.store.delete(
          erDef,
          r.metadata.namespace,
          r.metadata.name,
          {},
          { admin: true },
        );
      }
    }
    this.syncListener(ars);
    return ars;
  }

  /** The scale set's AutoscalingListener, if ARC made one. */
  listenerOf(ars: K8sObject): K8sObject | undefined {
    return this.ownedBy(
      this.listenerNames,
      'autoscalinglisteners',
      LISTENER_NAMESPACE,
      ars,
    );
  }

  /**
   * The object of `plural` a scale set owns, by the name recorded when the sandbox made it (ARC
   * makes these, never a client), so lookups stay O(1) with a thousand scale sets.
   */
  private ownedBy(
    names: Map<string, string>,
    plural: string,
    namespace: string | undefined,
    owner: K8sObject,
  ): K8sObject | undefined {
    const uid = owner.metadata.uid!;
    const known = names.get(uid);
    const o = known ? this.store.get(plural, namespace, known) : undefined;
    return o?.metadata.ownerReferences?.some(r => r.uid === uid)
      ? o
      : undefined;
  }

  /** Whether the scale set's listener pod exists and is ready. */
  listenerReady(ars: K8sObject): boolean {
    const l = this.listenerOf(ars);
    return Boolean(
      l &&
        podReady(this.store.get('pods', l.metadata.namespace, l.metadata.name)),
    );
  }

  /** Stops (pod not ready / gone) or starts (`ready`) a scale set's listener. */
  setListenerState(ars: K8sObject, state: ListenerState) {
    this.listenerStates.set(
      `${ars.metadata.namespace}/${ars.metadata.name}`,
      state,
    );
    this.syncListener(ars);
  }

  listenerState(ars: K8sObject): ListenerState {
    return (
      this.listenerStates.get(
        `${ars.metadata.namespace}/${ars.metadata.name}`,
      ) ?? 'ready'
    );
  }

  /** Creates or updates the listener and its pod the way ARC's listener controller keeps them. */
  syncListener(ars: K8sObject) {
    const ers = this.runnerSetOf(ars);
    const lDef = this.store.def('autoscalinglisteners');
    const podDef = this.store.def('pods');
    if (!ers || !lDef) return;
    this.store.ensureNamespace(LISTENER_NAMESPACE);
    const desired = autoscalingListenerObject(ars, ers);
    const existing = this.listenerOf(ars);
    if (existing && existing.metadata.name !== desired.metadata.name) {
      this.store.delete(
        lDef,
        LISTENER_NAMESPACE,
        existing.metadata.name,
        {},
        { admin: true },
      );
    }
    const current = this.store.get(
      lDef.plural,
      LISTENER_NAMESPACE,
      desired.metadata.name,
    );
    const listener = current
      ? this.store.update(
          lDef,
          LISTENER_NAMESPACE,
          desired.metadata.name,
          {
            ...desired,
            metadata: { ...current.metadata, labels: desired.metadata.labels },
          },
          { admin: true },
        )
      : this.store.create(lDef, LISTENER_NAMESPACE, desired, { admin: true });
    this.listenerNames.set(ars.metadata.uid!, listener.metadata.name);
    if (!podDef) return;
    const state = this.listenerState(ars);
    const pod = this.store.get(
      podDef.plural,
      LISTENER_NAMESPACE,
      listener.metadata.name,
    );
    if (state === 'gone') {
      if (pod)
        this.store.delete(
          podDef,
          LISTENER_NAMESPACE,
          pod.metadata.name,
          {},
          { admin: true },
        );
      return;
    }
    const ready = state === 'ready';
    if (pod && podReady(pod) === ready) return;
    const next = listenerPodObject(listener, ready, ready ? 0 : 5);
    if (pod)
      this.store.update(
        podDef,
        LISTENER_NAMESPACE,
        pod.metadata.name,
        { ...pod, status: next.status },
        { admin: true },
      );
    else this.store.create(podDef, LISTENER_NAMESPACE, next, { admin: true });
  }

  /** The EphemeralRunnerSet ARC keeps for a scale set. */
  runnerSetOf(ars: K8sObject): K8sObject | undefined {
    return this.ownedBy(
      this.runnerSetNames,
      'ephemeralrunnersets',
      ars.metadata.namespace,
      ars,
    );
  }

  /** The scale set's EphemeralRunners (through its EphemeralRunnerSet). */
  runnersOf(ars: K8sObject): K8sObject[] {
    const ers = this.runnerSetOf(ars);
    return ers ? this.owned('ephemeralrunners', ers) : [];
  }

  /**
   * Adds one EphemeralRunner to a scale set (as the EphemeralRunnerSet controller does when the
   * listener raises the replica count), with the given status; recounts the scale set.
   */
  addRunner(
    ars: K8sObject,
    status: Record<string, unknown> & { phase: string },
  ): K8sObject {
    const ers = this.runnerSetOf(ars);
    if (!ers)
      throw new Error(
        `fleet-sandbox: scale set ${ars.metadata.name} has no EphemeralRunnerSet`,
      );
    const id = this.nextRunnerId++;
    const runner = ephemeralRunnerObject(ers, ars, 'Pending', id);
    runner.metadata.name = this.store.generateName(
      runner.metadata.generateName!,
    );
    runner.metadata.labels = {
      ...runner.metadata.labels,
      [LABEL_COMPONENT]: 'runner',
    };
    runner.status = {
      runnerId: id,
      runnerName: runner.metadata.name,
      ...status,
    };
    const created = this.store.create(
      this.def('ephemeralrunners'),
      ars.metadata.namespace,
      runner,
      { admin: true },
    );
    this.recount(ars);
    return created;
  }

  /** Replaces a runner's status (admin write, validated); recounts its scale set. */
  setRunnerStatus(
    ars: K8sObject,
    runnerName: string,
    status: Record<string, unknown>,
  ): K8sObject | undefined {
    const def = this.def('ephemeralrunners');
    const current = this.store.get(
      def.plural,
      ars.metadata.namespace,
      runnerName,
    );
    if (!current) return undefined;
    const next = this.store.update(
      def,
      ars.metadata.namespace,
      runnerName,
      { ...structuredClone(current), status },
      { admin: true },
    );
    this.recount(ars);
    return next;
  }

  /** Deletes a runner (the job is done); recounts its scale set. */
  removeRunner(ars: K8sObject, runnerName: string): boolean {
    const def = this.def('ephemeralrunners');
    if (!this.store.get(def.plural, ars.metadata.namespace, runnerName))
      return false;
    this.store.delete(
      def,
      ars.metadata.namespace,
      runnerName,
      {},
      { admin: true },
    );
    this.recount(ars);
    return true;
  }

  /** Status counts of the scale set and its EphemeralRunnerSet from the runners that exist. */
  recount(ars: K8sObject) {
    const runners = this.runnersOf(ars);
    const n = (phase: string) =>
      runners.filter(r => r.status?.phase === phase).length;
    const counts = {
      currentRunners: runners.length,
      pendingEphemeralRunners: n('Pending'),
      runningEphemeralRunners: n('Running'),
      failedEphemeralRunners: n('Failed'),
    };
    const arsDef = this.def('autoscalingrunnersets');
    const currentArs = this.store.get(
      arsDef.plural,
      ars.metadata.namespace,
      ars.metadata.name,
    );
    if (currentArs)
      this.store.update(
        arsDef,
        ars.metadata.namespace,
        ars.metadata.name,
        {
          ...structuredClone(currentArs),
          status: { ...currentArs.status, ...counts },
        },
        { admin: true },
      );
    const ers = this.runnerSetOf(ars);
    if (ers)
      this.store.update(
        this.def('ephemeralrunnersets'),
        ers.metadata.namespace,
        ers.metadata.name,
        {
          ...structuredClone(ers),
          spec: { ...ers.spec, replicas: counts.currentRunners },
          status: {
            ...ers.status,
            currentReplicas: counts.currentRunners,
            pendingEphemeralRunners: counts.pendingEphemeralRunners,
            runningEphemeralRunners: counts.runningEphemeralRunners,
            failedEphemeralRunners: counts.failedEphemeralRunners,
          },
        },
        { admin: true },
      );
  }

  /** Deletes a scale set; its EphemeralRunnerSet and runners go with it (ownerReferences). */
  deleteScaleSet(namespace: string, name: string): boolean {
    const def = this.def('autoscalingrunnersets');
    if (!this.store.get(def.plural, namespace, name)) return false;
    this.store.delete(def, namespace, name, {}, { admin: true });
    return true;
  }

  /** RFC 7386 merge patch of any part of a scale set, status included (validated). */
  patchScaleSet(namespace: string, name: string, patch: unknown): K8sObject {
    const def = this.def('autoscalingrunnersets');
    const current = this.store.get(def.plural, namespace, name);
    const next = applyMergePatch(current ?? {}, patch) as K8sObject;
    const ars = current
      ? this.store.update(def, namespace, name, next, { admin: true })
      : this.store.create(def, namespace, next, { admin: true });
    this.syncListener(ars);
    return ars;
  }
}
