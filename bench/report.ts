/** The benchmark's printed report: one table of scenarios, the plugin's costs, the targets. */
import type { PluginCreate, PluginRuns } from "./plugin-costs";

/** One scenario's figures (times are medians over the repeats). */
export interface ScenarioRow {
  name: string;
  calls: number;
  /** The call count differed between repeats (the largest is shown). */
  callsVary: boolean;
  optimumCalls: number;
  byRoute: Record<string, number>;
  maxInFlight: number;
  rounds: number;
  boundMs: number;
  oursMs: number;
  /** Ours with no latency at all: the work alone (ours, the emulator's, the loopback). */
  workMs: number;
  oursOverheadMs: number | undefined;
  sdkMs?: number;
  sdkOverheadMs?: number | undefined;
  /** Naive per-user provider, extrapolated from its sample where the scenario is larger. */
  naiveMs?: number;
}

/** One target and whether this run met it. */
export interface Check {
  what: string;
  value: number;
  target: string;
  ok: boolean;
}

/** One provider's plugin runs with their medians. */
export interface PluginFigures extends PluginRuns {
  /** The median of each figure over `creates`. */
  create: PluginCreate;
  firstCheckMedianMs: number;
  pluginStartMedianMs: number;
}

/** Everything the report prints (also what latest.json holds). */
export interface ReportInput {
  environment: { date: string; cores: number; cpu: string; node: string; platform: string; cpuReferenceMs: { start: number; end: number } };
  options: { latency: number; concurrency: number; batchSize: number; members: number; unmanaged: number; naiveSample: number; repeats: number; pluginStarts: number; updateSamples: number; wideUpdateSamples: number };
  rows: ScenarioRow[];
  naive: { sampleUsers: number; perUserMs: { create: number; delete: number } };
  serialized: { oursBytes: number; moduleScopeBytes?: number; moduleScopeError?: string };
  plugin: {
    ours: PluginFigures;
    /** The same runs with bench/floor-provider.ts: what Pulumi alone needs for them. */
    floor: PluginFigures;
    /** Ours minus the floor, figure by figure (of the medians). */
    ourShare: PluginCreate;
    /** HTTP calls of one create of ours. */
    createCalls: number;
  };
  checks: Check[];
  /** Lines printed under the targets that are not targets themselves. */
  notes: string[];
  benchSeconds: number;
}

const ms = (value: number | undefined): string => (value === undefined ? "-" : value < 10 ? value.toFixed(2) : value.toFixed(0));
const ratio = (value: number | undefined, digits = 2): string => (value === undefined || !Number.isFinite(value) ? "-" : `${value.toFixed(digits)}x`);
const mibValue = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const mib = (bytes: number): string => `${mibValue(bytes)} MiB`;
/** A difference in MiB, with its sign. */
export const signedMib = (bytes: number): string => `${bytes < 0 ? "-" : "+"}${mib(Math.abs(bytes))}`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ")} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** The report as Markdown-compatible text. */
export function formatReport(r: ReportInput): string {
  const o = r.options;
  const { ours, floor } = r.plugin;
  const out: string[] = [];
  out.push(
    `pulumi-openrouter bench: ${r.environment.date.slice(0, 10)}, ${r.environment.cores} cores (${r.environment.cpu}), Node ${r.environment.node}`,
    `machine speed: a keyed map of 10,000 ids built in ${r.environment.cpuReferenceMs.start.toFixed(2)} ms at the start, ${r.environment.cpuReferenceMs.end.toFixed(2)} ms at the end (medians of 200; the fixed work of every scenario scales with it)`,
    `latency L = ${o.latency} ms, concurrency ${o.concurrency}, batch ${o.batchSize}, ${o.members} members, ${o.unmanaged} unmanaged; times are medians of ${o.repeats} runs (the 1% update's: of ${o.updateSamples} per run, the 5% update's: of ${o.wideUpdateSamples})`,
    "",
    table(
      ["scenario", "calls", "optimum", "calls/opt", "rounds x L", "ours ms", "ours/bound", "at L=0 ms", "(ours - at L=0)/bound", "sdk ms", "ours/sdk", "beyond L/call ours", "sdk", "naive ms", "naive/ours"],
      r.rows.map((row) => [
        row.name,
        String(row.calls),
        String(row.optimumCalls),
        row.optimumCalls === 0 ? (row.calls === 0 ? "exact" : "-") : ratio(row.calls / row.optimumCalls),
        `${row.rounds} x ${o.latency} = ${row.boundMs}`,
        ms(row.oursMs),
        row.boundMs > 0 ? ratio(row.oursMs / row.boundMs) : "-",
        ms(row.workMs),
        row.boundMs > 0 ? ratio((row.oursMs - row.workMs) / row.boundMs) : "-",
        ms(row.sdkMs),
        row.sdkMs === undefined ? "-" : ratio(row.oursMs / row.sdkMs),
        ms(row.oursOverheadMs),
        ms(row.sdkOverheadMs),
        ms(row.naiveMs),
        row.naiveMs === undefined ? "-" : ratio(row.naiveMs / row.oursMs, 0),
      ]),
    ),
    "",
    `Calls by route (ours): ${r.rows.map((row) => `${row.name} ${JSON.stringify(row.byRoute)}`).join("; ")}`,
    `Most requests in flight (ours): ${Math.max(...r.rows.map((row) => row.maxInFlight))} (concurrency ${o.concurrency})`,
    `Naive = one add/remove call per user at concurrency ${o.concurrency}, measured on ${r.naive.sampleUsers} users ` +
      `(${r.naive.perUserMs.create.toFixed(2)} ms/user to add, ${r.naive.perUserMs.delete.toFixed(2)} ms/user to remove) and ` +
      `extrapolated per user to ${o.members}; the update's 200 single-user calls are measured in full.`,
    `"beyond L/call" = (wall - rounds x L) / rounds: what each call of a round costs beyond the latency.`,
    `"at L=0" = the same chain of ours with no latency: the work alone (ours, the emulator's, loopback); ` +
      "for the 1% update, each timed update undone at once with no latency, so the work is timed beside the walls; " +
      `"(ours - at L=0)/bound" = the time the latency added, against the rounds x L it must add at the least.`,
    "",
    `Serialized provider (__provider in each resource's state): ${r.serialized.oursBytes} bytes; ` +
      (r.serialized.moduleScopeBytes !== undefined
        ? `with dependencies at module scope: ${r.serialized.moduleScopeBytes} bytes`
        : `with dependencies at module scope: does not serialize (${r.serialized.moduleScopeError})`),
    `Plugin, ${o.pluginStarts} fresh processes each for ours and for the Pulumi floor (bench/floor-provider.ts: the same inputs and outputs, ` +
      `no provider work), taken in turns; medians:`,
    `Plugin cold start: Pulumi's plugin spawn -> port printed ${ms(ours.pluginStartMedianMs)} ms; ` +
      `port printed -> first Check of a 10-user resource answered: ours ${ms(ours.firstCheckMedianMs)} ms, floor ${ms(floor.firstCheckMedianMs)} ms ` +
      `(ours' runs: ${ours.coldStarts.map((c) => `${ms(c.pluginStartMs)}/${ms(c.firstCheckMs)}`).join(", ")}); ` +
      `then a Check of the ${o.members}-user resource: ours ${ms(ours.create.largeCheckMs)} ms, floor ${ms(floor.create.largeCheckMs)} ms (mostly protobuf Struct encoding)`,
    `Plugin create of ${o.members} (through gRPC): ours ${ms(ours.create.wallMs)} ms, ${r.plugin.createCalls} calls; floor ${ms(floor.create.wallMs)} ms, no calls`,
    ...(
      [
        ["Plugin RSS idle (Pulumi's plugin alone, before any call)", "floor", "rssIdleBytes"],
        ["Plugin peak RSS after the Checks", "floor", "rssAfterCheckBytes"],
        [`Plugin peak RSS during the ${o.members}-member create`, "Pulumi floor (same inputs and outputs, no provider work)", "peakRssBytes"],
      ] as const
    ).map(
      ([what, floorName, key]) =>
        `${what}: ours ${mib(ours.create[key])}; ${floorName} ${mib(floor.create[key])}; our share ${signedMib(r.plugin.ourShare[key])} ` +
        `(runs, ours/floor MiB: ${ours.creates.map((c, i) => `${mibValue(c[key])}/${mibValue(floor.creates[i]![key])}`).join(", ")})`,
    ),
    "",
    table(
      ["target", "value", "wanted", "met"],
      r.checks.map((c) => [c.what, Number.isInteger(c.value) ? String(c.value) : c.value.toFixed(2), c.target, c.ok ? "yes" : "NO"]),
    ),
    ...r.notes,
    "",
    `Bench took ${r.benchSeconds.toFixed(0)} s.`,
    "",
  );
  return out.join("\n");
}
