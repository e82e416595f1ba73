/**
 * An in-process model of how the Pulumi engine drives one dynamic resource, calling the
 * lifecycle module directly (no plugin process, no gRPC), so that hundreds of chaos
 * histories run in seconds. The real plugin path is covered by test/engine/harness; this model
 * follows the same rules (test/engine/harness/engine.ts, Pulumi's sdk/nodejs/cmd/dynamic-provider):
 *
 * - `check` gets the recorded checked inputs as olds; failures stop the step.
 * - `diff`, `update`, `read` and `delete` get the recorded *outputs*.
 * - a create/update error carrying `id` and `properties` ("resource initialization
 *   failed") is recorded as the state exactly as given, and the next `up` updates whatever
 *   `diff` says; any other error leaves the state as it was.
 * - `read` returning an empty id removes the resource; its `inputs` replace the recorded ones.
 *
 * Values cross a JSON round trip, as they cross a protobuf `Struct` between the engine and
 * the plugin: `undefined` vanishes and null-prototype maps become plain objects.
 */
import { isDeepStrictEqual } from "node:util";
import type * as Lifecycle from "../../provider/members/lifecycle";

/** What the engine records for the resource. */
export interface ModelState {
  id: string;
  /** The checked inputs of the last step that reached the provider, or `read`'s inputs. */
  inputs: Record<string, unknown>;
  /** The provider's outputs, or the partial properties of a failed create/update. */
  outputs: Record<string, unknown>;
  /** Set after a partial create/update: the engine retries the update whatever `diff` says. */
  initErrors?: string[];
}

/** What one `up` did. */
export type ModelOperation = "create" | "update" | "replace" | "same";

/** `check` refused the inputs: nothing was called after it. */
export class ModelCheckError extends Error {
  constructor(readonly failures: { property: string; reason: string }[]) {
    super(`check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    this.name = "ModelCheckError";
  }
}

/** The serialized-provider stand-in the engine passes in `__provider`; the lifecycle only copies it. */
export const MODEL_PROVIDER_TEXT = "exports.handler = /* engine-model */ undefined;";

/** One resource, driven as `pulumi up`, `preview`, `refresh` and `destroy` would drive it. */
export class EngineModel {
  private recorded: ModelState | undefined;

  constructor(private readonly lifecycle: typeof Lifecycle) {}

  /** A copy of the recorded state, or `undefined` when the resource is not in state. */
  get state(): ModelState | undefined {
    return this.recorded === undefined ? undefined : wire(this.recorded);
  }

  /** Replaces the recorded state (continue from a checkpoint). */
  load(state: ModelState | undefined): void {
    this.recorded = state === undefined ? undefined : wire(state);
  }

  /** `pulumi preview`: check and diff only; returns the operation `up` would run. */
  async preview(programInputs: Record<string, unknown>): Promise<ModelOperation> {
    return (await this.plan(programInputs)).op;
  }

  /**
   * `pulumi up` for this resource: check, diff, then create/update/replace. A partial
   * failure is recorded before the error is rethrown.
   */
  async up(programInputs: Record<string, unknown>): Promise<ModelOperation> {
    const { op, inputs } = await this.plan(programInputs);
    const old = this.recorded;
    switch (op) {
      case "same":
        this.recorded = { ...old!, inputs };
        break;
      case "create":
        await this.create(inputs);
        break;
      case "replace":
        await this.remove(old!);
        await this.create(inputs);
        break;
      case "update":
        await this.guardInit(inputs, async () => {
          const answer = await this.lifecycle.update(old!.id, wire(old!.outputs), wire(inputs));
          this.recorded = { id: old!.id, inputs, outputs: wire({ ...(answer.outs ?? {}), __provider: inputs.__provider }) };
        });
        break;
    }
    return op;
  }

  /** `pulumi refresh`: returns whether outputs or inputs changed (drift). */
  async refresh(): Promise<boolean> {
    const old = this.recorded;
    if (old === undefined) return false;
    const answer = await this.lifecycle.read(old.id, wire(old.outputs));
    if (answer.id === "" || answer.id === undefined) {
      this.recorded = undefined;
      return true;
    }
    // The plugin adds the recorded outputs' __provider to both (resultIncludingProvider).
    const provider = old.outputs.__provider;
    const next: ModelState = {
      id: answer.id,
      outputs: wire({ ...(answer.props ?? {}), __provider: provider }),
      inputs: answer.inputs === undefined ? old.inputs : wire({ ...answer.inputs, __provider: provider }),
    };
    this.recorded = next;
    return !isDeepStrictEqual(next.outputs, old.outputs) || !isDeepStrictEqual(next.inputs, old.inputs);
  }

  /** `pulumi destroy`. */
  async destroy(): Promise<void> {
    if (this.recorded !== undefined) await this.remove(this.recorded);
  }

  private async plan(programInputs: Record<string, unknown>): Promise<{ op: ModelOperation; inputs: Record<string, unknown> }> {
    const old = this.recorded;
    const news = wire({ ...programInputs, __provider: MODEL_PROVIDER_TEXT });
    const checked = await this.lifecycle.check(wire(old?.inputs ?? {}), news);
    if (checked.failures !== undefined && checked.failures.length > 0) throw new ModelCheckError(checked.failures);
    // The plugin puts __provider back into check's answer.
    const inputs = wire({ ...(checked.inputs ?? {}), __provider: MODEL_PROVIDER_TEXT });
    if (old === undefined) return { op: "create", inputs };
    const diff = await this.lifecycle.diff(old.id, wire(old.outputs), inputs);
    if (diff.changes !== false && (diff.replaces?.length ?? 0) > 0) return { op: "replace", inputs };
    if (old.initErrors !== undefined && old.initErrors.length > 0) return { op: "update", inputs };
    const changed = diff.changes === true || (diff.changes === undefined && !isDeepStrictEqual(old.inputs, inputs));
    return { op: changed ? "update" : "same", inputs };
  }

  private async create(inputs: Record<string, unknown>): Promise<void> {
    await this.guardInit(inputs, async () => {
      const answer = await this.lifecycle.create(wire(inputs));
      this.recorded = { id: answer.id, inputs, outputs: wire({ ...(answer.outs ?? {}), __provider: inputs.__provider }) };
    });
  }

  private async remove(state: ModelState): Promise<void> {
    await this.lifecycle.remove(state.id, wire(state.outputs));
    this.recorded = undefined;
  }

  private async guardInit(inputs: Record<string, unknown>, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      const partial = error as { id?: unknown; properties?: unknown; reasons?: unknown };
      // The plugin turns an error with an id and properties into "initialization failed".
      if (typeof partial.id === "string" && partial.id !== "" && partial.properties !== null && typeof partial.properties === "object") {
        const reasons = Array.isArray(partial.reasons) ? partial.reasons.map(String) : [];
        this.recorded = {
          id: partial.id,
          inputs,
          outputs: wire(partial.properties as Record<string, unknown>),
          initErrors: reasons.length > 0 ? reasons : [(error as Error).message],
        };
      }
      throw error;
    }
  }
}

/** A JSON round trip: what survives the protobuf `Struct` between engine and plugin. */
export function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
