import { isDeepStrictEqual } from "node:util";
import type { Registration } from "./capture";
import { ResourceInitError, type CheckFailure, type DiffAnswer, type PluginProcess } from "./plugin";
import type { PropertyMap } from "./struct";

/** What the engine records for one resource, as in a Pulumi checkpoint. */
export interface ResourceState {
  urn: string;
  type: string;
  id: string;
  /** The checked inputs (`Check`'s answer), or what `Read` returned as inputs. */
  inputs: PropertyMap;
  /** The provider's outputs, with `__provider` (the plugin adds it on success). */
  outputs: PropertyMap;
  /** Present after a partial create/update: the next `up` updates whatever `Diff` says. */
  initErrors?: string[];
  /** Pulumi's `retainOnDelete`, as the program last registered it: deleting drops the state only. */
  retainOnDelete?: true;
}

/** The operation the engine chose for one resource. */
export type Operation = "create" | "update" | "replace" | "same" | "delete";

/** One step of a preview, up, refresh or destroy. */
export interface Step {
  urn: string;
  op: Operation;
  /** The provider's `Diff` answer, when there was an old state to diff. */
  diff?: DiffAnswer;
  /** The checked inputs the step used (absent for refresh and delete). */
  inputs?: PropertyMap;
}

/** One provider call, reported to {@link EngineOptions.onCall} once it has finished. */
export interface CallRecord {
  method: "check" | "diff" | "create" | "read" | "update" | "delete";
  urn: string;
  durationMs: number;
  error?: Error;
}

/** Options of an {@link Engine}. */
export interface EngineOptions {
  /** Called after every provider call, for progress output (the demo) or assertions. */
  onCall?: (call: CallRecord) => void;
}

/** `Check` returned failures: the engine stops before any change, naming them. */
export class CheckFailedError extends Error {
  override readonly name = "CheckFailedError";
  constructor(
    readonly urn: string,
    readonly failures: CheckFailure[],
  ) {
    super(`check failed for ${urn}: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
}

/**
 * Plays the Pulumi engine's part for dynamic resources over a {@link PluginProcess}: turns a
 * program's registrations into the provider calls `pulumi preview`, `up`, `refresh` and
 * `destroy` make, in the engine's order and with the engine's arguments, and keeps the
 * state the engine would checkpoint.
 *
 * The arguments mirror the engine: `Check` gets the recorded *inputs* as olds; `Diff`,
 * `Update`, `Read` and `Delete` get the recorded *outputs*; a `Read` that returns inputs
 * replaces the recorded inputs; a partial create/update stores the error's properties as
 * the state, exactly as given. A resource registered with `retainOnDelete` is deleted as
 * the engine deletes one: from the state only, with no `Delete` call. Steps run one at a
 * time in registration order and the first failure stops the operation (the engine runs
 * independent steps in parallel; none of ours depend on one another).
 */
export class Engine {
  private readonly states = new Map<string, ResourceState>();

  constructor(
    readonly plugin: PluginProcess,
    private readonly options: EngineOptions = {},
  ) {}

  /** A copy of the recorded state, in creation order. */
  get resources(): ResourceState[] {
    return [...this.states.values()].map((s) => structuredClone(s));
  }

  /** A copy of the state of the resource with this URN or name; fails if there is none. */
  state(urnOrName: string): ResourceState {
    const found = [...this.states.values()].find((s) => s.urn === urnOrName || s.urn.endsWith(`::${urnOrName}`));
    if (!found) throw new Error(`no resource "${urnOrName}" in state (have: ${[...this.states.keys()].join(", ") || "none"})`);
    return structuredClone(found);
  }

  /** Replaces the recorded state, e.g. to continue from another engine's checkpoint. */
  load(resources: ResourceState[]): void {
    this.states.clear();
    for (const resource of resources) this.states.set(resource.urn, structuredClone(resource));
  }

  /**
   * `pulumi preview`: `Check` and `Diff` only. The dynamic-provider plugin does not support
   * previews of `Create`/`Update`, so the engine never calls them here.
   */
  async preview(registrations: Registration | Registration[]): Promise<Step[]> {
    const wanted = dynamicOnly(registrations);
    const steps: Step[] = [];
    for (const registration of wanted) steps.push(await this.plan(registration));
    for (const state of this.orphans(wanted)) steps.push({ urn: state.urn, op: "delete" });
    return steps;
  }

  /**
   * `pulumi up`: plans each registration as {@link preview} does and applies it; resources in
   * state that the program no longer registers are deleted last, newest first. A partial
   * create/update records the partial state, then throws the {@link ResourceInitError}.
   */
  async up(registrations: Registration | Registration[]): Promise<Step[]> {
    const wanted = dynamicOnly(registrations);
    const steps: Step[] = [];
    for (const registration of wanted) {
      const step = await this.plan(registration);
      await this.apply(registration, step);
      steps.push(step);
    }
    for (const state of this.orphans(wanted).reverse()) {
      await this.remove(state);
      steps.push({ urn: state.urn, op: "delete" });
    }
    return steps;
  }

  /**
   * `pulumi refresh`: `Read` for each resource with its recorded outputs and inputs. An empty
   * id removes the resource from state; otherwise outputs are replaced, and inputs too when
   * the provider returned some. The step is `same` when the outputs are unchanged (the
   * recorded inputs may still change: the next preview's `Diff` shows whether that matters).
   * This is the refresh's apply pass: the CLI's `pulumi refresh --yes` first previews it,
   * calling `Read` for each resource once more (`--skip-preview` leaves that out).
   */
  async refresh(): Promise<Step[]> {
    const steps: Step[] = [];
    for (const old of [...this.states.values()]) {
      const answer = await this.record("read", old.urn, () =>
        this.plugin.read(old.id, old.urn, old.outputs, old.inputs),
      );
      if (answer.id === "") {
        this.states.delete(old.urn);
        steps.push({ urn: old.urn, op: "delete" });
        continue;
      }
      const next: ResourceState = { ...old, id: answer.id, outputs: answer.properties, inputs: answer.inputs ?? old.inputs };
      this.states.set(old.urn, next);
      // As the engine reports a refresh step: by its outputs alone.
      steps.push({ urn: old.urn, op: isDeepStrictEqual(next.outputs, old.outputs) ? "same" : "update" });
    }
    return steps;
  }

  /** `pulumi destroy`: `Delete` with the recorded outputs, newest resource first. */
  async destroy(): Promise<Step[]> {
    const steps: Step[] = [];
    for (const state of [...this.states.values()].reverse()) {
      await this.remove(state);
      steps.push({ urn: state.urn, op: "delete" });
    }
    return steps;
  }

  private async plan(registration: Registration): Promise<Step> {
    const { urn } = registration;
    const old = this.states.get(urn);
    const checked = await this.check(urn, old?.inputs ?? {}, registration.inputs);
    if (!old) return { urn, op: "create", inputs: checked };

    const diff = await this.record("diff", urn, () =>
      this.plugin.diff(old.id, urn, old.outputs, checked, old.inputs),
    );
    if (diff.changes === "some" && diff.replaces.length > 0) {
      // A replacement is checked again without olds: the new resource owes nothing to the old.
      return { urn, op: "replace", diff, inputs: await this.check(urn, {}, registration.inputs) };
    }
    // The engine retries an update after initialization errors whatever the diff says.
    if (old.initErrors?.length) return { urn, op: "update", diff, inputs: checked };
    const changed =
      diff.changes === "some" ||
      // "Unknown" falls back to the engine's own comparison of old and new inputs.
      (diff.changes === "unknown" && !isDeepStrictEqual(old.inputs, checked));
    return { urn, op: changed ? "update" : "same", diff, inputs: checked };
  }

  private async apply(registration: Registration, step: Step): Promise<void> {
    const { urn, type } = registration;
    const inputs = step.inputs!;
    const old = this.states.get(urn);
    switch (step.op) {
      case "create":
        await this.create(registration, inputs);
        return;
      case "same":
        this.states.set(urn, withRetention({ ...old!, inputs }, registration));
        return;
      case "update":
        await this.guardInit(registration, inputs, async () => {
          const answer = await this.record("update", urn, () =>
            this.plugin.update(old!.id, urn, old!.outputs, inputs, old!.inputs),
          );
          this.states.set(urn, withRetention({ urn, type, id: old!.id, inputs, outputs: answer.properties }, registration));
        });
        return;
      case "replace":
        if (step.diff?.deleteBeforeReplace) {
          await this.remove(old!);
          await this.create(registration, inputs);
        } else {
          await this.create(registration, inputs);
          if (!old!.retainOnDelete) {
            await this.record("delete", urn, () => this.plugin.delete(old!.id, urn, old!.outputs, old!.inputs));
          }
        }
        return;
      case "delete":
        throw new Error(`unexpected delete step for registered resource ${urn}`);
    }
  }

  private async create(registration: Registration, inputs: PropertyMap): Promise<void> {
    const { urn, type } = registration;
    await this.guardInit(registration, inputs, async () => {
      const answer = await this.record("create", urn, () => this.plugin.create(urn, inputs));
      this.states.set(urn, withRetention({ urn, type, id: answer.id, inputs, outputs: answer.properties }, registration));
    });
  }

  /** Records a partial create/update as the engine does, then fails the step with it. */
  private async guardInit(registration: Registration, inputs: PropertyMap, step: () => Promise<void>): Promise<void> {
    const { urn, type } = registration;
    try {
      await step();
    } catch (error) {
      if (error instanceof ResourceInitError) {
        // The plugin reports a partial failure only when the error carries an id.
        const initErrors = error.reasons.length > 0 ? error.reasons : [error.message];
        this.states.set(urn, withRetention({ urn, type, id: error.id, inputs, outputs: error.properties, initErrors }, registration));
      }
      throw error;
    }
  }

  private async remove(state: ResourceState): Promise<void> {
    if (!state.retainOnDelete) {
      await this.record("delete", state.urn, () => this.plugin.delete(state.id, state.urn, state.outputs, state.inputs));
    }
    this.states.delete(state.urn);
  }

  private async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<PropertyMap> {
    const answer = await this.record("check", urn, () => this.plugin.check(urn, olds, news));
    if (answer.failures.length > 0) throw new CheckFailedError(urn, answer.failures);
    return answer.inputs;
  }

  private orphans(wanted: Registration[]): ResourceState[] {
    const urns = new Set(wanted.map((r) => r.urn));
    return [...this.states.values()].filter((s) => !urns.has(s.urn));
  }

  private async record<T>(method: CallRecord["method"], urn: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await call();
      this.options.onCall?.({ method, urn, durationMs: performance.now() - started });
      return result;
    } catch (error) {
      this.options.onCall?.({ method, urn, durationMs: performance.now() - started, error: error as Error });
      throw error;
    }
  }
}

/** `state` carrying the registration's `retainOnDelete`, as the engine records the option with each step. */
function withRetention(state: ResourceState, registration: Registration): ResourceState {
  const { retainOnDelete: _previous, ...rest } = state;
  return registration.retainOnDelete ? { ...rest, retainOnDelete: true } : rest;
}

function dynamicOnly(registrations: Registration | Registration[]): Registration[] {
  const all = Array.isArray(registrations) ? registrations : [registrations];
  // Component resources and the stack never reach a provider.
  return all.filter((r) => r.custom && r.type.startsWith("pulumi-nodejs:dynamic"));
}
