/**
 * What the provider costs inside Pulumi's real dynamic-provider plugin: the size of the
 * serialized provider each resource stores, our share of the plugin's cold start, and the
 * plugin's peak memory during a large create, beside the same run with a floor provider
 * that does no work (./floor-provider), which is what Pulumi alone needs for it. The plugin
 * is spawned and driven over gRPC by the engine harness (test/engine/harness), with `__provider`
 * produced by Pulumi's own serializer.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { captureRegistrations, registrationNamed, secret, startPlugin, type PropertyMap } from "../test/engine/harness";
import type * as PackageEntry from "../provider/index";
import { FloorMembers } from "./floor-provider";

const repoRoot = join(__dirname, "..");

/** Serialized provider sizes, in bytes. */
export interface SerializedSizes {
  /** `__provider` of a real `WorkspaceMembers` registration (the built package). */
  oursBytes: number;
  /** The module-scope variant's size, when Pulumi can serialize it at all. */
  moduleScopeBytes?: number;
  /** Why the module-scope variant could not be serialized. */
  moduleScopeError?: string;
}

/** Which provider a measurement runs: ours, or the floor that does none of our work (./floor-provider). */
export type ProviderUnderTest = "ours" | "floor";

/**
 * The resource's registration as a program makes it: inputs plus Pulumi's `__provider`.
 * The floor is registered with the same inputs, type and name, so the plugin gets the same
 * URN and the same Structs but for the provider's text.
 */
export async function registerMembers(
  workspace: string,
  userIds: string[],
  provider: ProviderUnderTest = "ours",
): Promise<{ urn: string; inputs: PropertyMap }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built package, as users get it
  const { WorkspaceMembers } = require(join(repoRoot, "lib", "index.js")) as typeof PackageEntry;
  const registrations = await captureRegistrations(() => {
    if (provider === "ours") new WorkspaceMembers("members", { workspaceId: workspace, userIds });
    else new FloorMembers("members", { workspaceId: workspace, userIds, exclusive: false });
  });
  const registration = registrationNamed(registrations, "members");
  return { urn: registration.urn, inputs: registration.inputs };
}

/** Serializes both providers with the call Pulumi's `dynamic.Resource` makes. */
export async function measureSerializedSizes(): Promise<SerializedSizes> {
  const ours = await registerMembers("size-probe", ["user_a"]);
  const oursBytes = Buffer.byteLength(String(ours.inputs.__provider));
  try {
    const { ModuleScopeMembersProvider } = await import("./module-scope-provider");
    const provider = new ModuleScopeMembersProvider();
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return { oursBytes, moduleScopeBytes: Buffer.byteLength(serialized.text) };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
    return { oursBytes, moduleScopeError: message };
  }
}

/** One plugin start, as the CLI makes it before the first resource. */
export interface ColdStart {
  /** Spawn until the plugin prints its port: Pulumi's own start. */
  pluginStartMs: number;
  /**
   * Port printed until the first Check of a typical resource (ten users) is answered:
   * configure, provider load, our modules, zod check. A small resource, because a Check of
   * 10,000 ids is mostly Pulumi's protobuf Struct encoding on both sides, not start-up:
   * that one is timed separately, warm ({@link PluginCreate.largeCheckMs}).
   */
  firstCheckMs: number;
}

/** Memory and time of a create run through the plugin. */
export interface PluginCreate {
  wallMs: number;
  /** A Check of the 10,000-user resource, after the plugin has started. */
  largeCheckMs: number;
  /** Resident set of the plugin just started, before any call: Pulumi's own footprint. */
  rssIdleBytes: number;
  /** Peak resident set (VmHWM) of the plugin after the Checks, before the create. */
  rssAfterCheckBytes: number;
  /** Peak resident set (VmHWM) of the plugin after the create. */
  peakRssBytes: number;
}

/** Stack config the plugin hands to the provider's `configure`. */
export interface PluginConfig {
  baseUrl: string;
  managementKey: string;
  concurrency: number;
  batchSize: number;
}

/** One provider's plugin runs, in run order. */
export interface PluginRuns {
  coldStarts: ColdStart[];
  creates: PluginCreate[];
}

/**
 * Runs `runs` fresh plugin processes for each provider, ours and the floor, in turns (the
 * order alternating, so neither always runs on a warmer or busier machine). Each one goes
 * through a create as the CLI would: configure, a Check of a 10-user resource (the cold
 * start), a Check of the `userIds` resource, Create. Each run of ours creates into a fresh
 * workspace from `newWorkspace` (into the same one a second create would only adopt); the
 * floor gets the same inputs and makes no calls.
 */
export async function measurePlugin(
  config: PluginConfig,
  userIds: string[],
  runs: number,
  newWorkspace: () => Promise<string>,
): Promise<Record<ProviderUnderTest, PluginRuns>> {
  const stackConfig = {
    "openrouter:managementKey": secret(config.managementKey),
    "openrouter:baseUrl": config.baseUrl,
    "openrouter:concurrency": String(config.concurrency),
    "openrouter:batchSize": String(config.batchSize),
  };
  const measured: Record<ProviderUnderTest, PluginRuns> = { ours: { coldStarts: [], creates: [] }, floor: { coldStarts: [], creates: [] } };
  for (let run = 0; run < runs; run++) {
    const workspace = await newWorkspace();
    const order: ProviderUnderTest[] = run % 2 === 0 ? ["ours", "floor"] : ["floor", "ours"];
    const shapes: Partial<Record<ProviderUnderTest, string>> = {};
    for (const provider of order) {
      const typical = await registerMembers(workspace, userIds.slice(0, 10), provider);
      const large = await registerMembers(workspace, userIds, provider);
      const result = await runPlugin(stackConfig, typical, large);
      measured[provider].coldStarts.push(result.coldStart);
      measured[provider].creates.push(result.create);
      shapes[provider] = result.shape;
    }
    // The floor stands for ours only while it answers the same outputs.
    if (shapes.ours !== shapes.floor) {
      throw new Error(`bench/floor-provider.ts no longer answers what ours does; update it.\nours:  ${shapes.ours}\nfloor: ${shapes.floor}`);
    }
  }
  return measured;
}

type Registered = Awaited<ReturnType<typeof registerMembers>>;

/** One fresh plugin process through a create, as {@link measurePlugin} describes. */
async function runPlugin(
  stackConfig: PropertyMap,
  typical: Registered,
  large: Registered,
): Promise<{ coldStart: ColdStart; create: PluginCreate; shape: string }> {
  const spawned = performance.now();
  const plugin = await startPlugin({ cwd: repoRoot });
  const portPrinted = performance.now();
  const rssIdleBytes = peakRss(plugin.pid);
  try {
    // The CLI configures before the first Check; the provider loads at that Check.
    await plugin.configure(stackConfig);
    const first = await plugin.check(typical.urn, {}, typical.inputs);
    const answered = performance.now();
    if (first.failures.length > 0) throw new Error(`plugin check failed: ${JSON.stringify(first.failures)}`);
    const checked = await plugin.check(large.urn, {}, large.inputs);
    const largeCheckMs = performance.now() - answered;
    if (checked.failures.length > 0) throw new Error(`plugin check failed: ${JSON.stringify(checked.failures.slice(0, 3))}`);
    const rssAfterCheckBytes = peakRss(plugin.pid);
    const started = performance.now();
    const created = await plugin.create(large.urn, checked.inputs);
    const wallMs = performance.now() - started;
    return {
      coldStart: { pluginStartMs: portPrinted - spawned, firstCheckMs: answered - portPrinted },
      create: { wallMs, largeCheckMs, rssIdleBytes, rssAfterCheckBytes, peakRssBytes: peakRss(plugin.pid) },
      shape: shapeOf(created.id, created.properties),
    };
  } finally {
    await plugin.stop();
  }
}

/**
 * What the plugin's memory depends on in a create's answer: every key and type, array
 * lengths, string lengths, and the first element of each array for the rest.
 */
function shapeOf(id: string, properties: PropertyMap): string {
  const { __provider: _provider, ...outputs } = properties;
  const describe = (value: unknown): unknown => {
    if (typeof value === "string") return `string(${value.length})`;
    if (Array.isArray(value)) return [`${value.length} x`, value.length > 0 ? describe(value[0]) : null];
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.keys(value).sort().map((key) => [key, describe((value as Record<string, unknown>)[key])]));
    }
    return typeof value;
  };
  return JSON.stringify({ id: describe(id), outputs: describe(outputs) });
}

/** VmHWM: the peak resident set size of a process so far, in bytes (Linux). */
function peakRss(pid: number): number {
  const line = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!line) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(line[1]) * 1024;
}
