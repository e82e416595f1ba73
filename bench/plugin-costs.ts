/**
 * What the provider costs inside Pulumi's real dynamic-provider plugin: the size of the
 * serialized provider each resource stores, our share of the plugin's cold start, and the
 * plugin's peak memory during a large create. The plugin is spawned and driven over gRPC by
 * the engine harness (test/harness), with `__provider` produced by Pulumi's own serializer.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { captureRegistrations, registrationNamed, secret, startPlugin, type PropertyMap } from "../test/harness";
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
  /** Peak resident set (VmHWM) of the plugin after its first Check, before any create. */
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

/**
 * Starts the plugin `starts` times and times each cold start; the first one also creates
 * `userIds` in `workspace` and reports the plugin's peak memory.
 */
export async function measurePlugin(
  config: PluginConfig,
  workspace: string,
  userIds: string[],
  starts: number,
): Promise<{ coldStarts: ColdStart[]; create: PluginCreate }> {
  const registration = await registerMembers(workspace, userIds);
  const typical = await registerMembers(workspace, userIds.slice(0, 10));
  const stackConfig = {
    "openrouter:managementKey": secret(config.managementKey),
    "openrouter:baseUrl": config.baseUrl,
    "openrouter:concurrency": String(config.concurrency),
    "openrouter:batchSize": String(config.batchSize),
  };
  const coldStarts: ColdStart[] = [];
  let create: PluginCreate | undefined;
  for (let run = 0; run < starts; run++) {
    const spawned = performance.now();
    const plugin = await startPlugin({ cwd: repoRoot });
    const portPrinted = performance.now();
    const rssIdleBytes = run === 0 ? peakRss(plugin.pid) : 0;
    try {
      // The CLI configures before the first Check; the provider loads at that Check.
      await plugin.configure(stackConfig);
      const first = await plugin.check(typical.urn, {}, typical.inputs);
      const answered = performance.now();
      if (first.failures.length > 0) throw new Error(`plugin check failed: ${JSON.stringify(first.failures)}`);
      coldStarts.push({ pluginStartMs: portPrinted - spawned, firstCheckMs: answered - portPrinted });
      if (run === 0) {
        const checkStarted = performance.now();
        const checked = await plugin.check(registration.urn, {}, registration.inputs);
        const largeCheckMs = performance.now() - checkStarted;
        const rssAfterCheckBytes = peakRss(plugin.pid);
        const started = performance.now();
        await plugin.create(registration.urn, checked.inputs);
        const wallMs = performance.now() - started;
        create = { wallMs, largeCheckMs, rssIdleBytes, rssAfterCheckBytes, peakRssBytes: peakRss(plugin.pid) };
      }
    } finally {
      await plugin.stop();
    }
  }
  return { coldStarts, create: create! };
}

/** The one dynamic-provider plugin this process has spawned and not yet stopped. */

/** VmHWM: the peak resident set size of a process so far, in bytes (Linux). */
function peakRss(pid: number): number {
  const line = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!line) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(line[1]) * 1024;
}
