import { SeedScaleSet } from '../seed/fleetSeed';
import { applyMergePatch } from './patch';
import {
  ANNOTATION_SCALE_SET_ID,
  autoscalingRunnerSetObject,
  ephemeralRunnerObject,
  ephemeralRunnerSetObject,
  RUNNER_PHASES,
  wantedRunners,
} from './seedObjects';
import { ClusterStore, K8sObject } from './store';

/**
 * Admin-side changes to the fleet (seed, /_sandbox, in-process API): what ARC's controller would
 * do when a scale set appears, changes or goes. Every object still passes the CRD schema.
 */
export class FleetObjects {
  private nextScaleSetId = 1;
  private nextRunnerId = 1;

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
    const [ersExisting] = this.owned(ersDef.plural, ars);
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
    return ars;
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
    if (!current)
      return this.store.create(def, namespace, next, { admin: true });
    return this.store.update(def, namespace, name, next, { admin: true });
  }
}
