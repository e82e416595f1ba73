/**
 * `npm run bench`: what a membership change costs against the emulator at a fixed latency,
 * beside the network's bound and two alternatives, in one run (issues #6 and #19). Prints
 * ratios (absolute times on shared machines are noise; ratios are not), writes
 * bench/results/latest.json, and exits non-zero when a target is missed. The targets
 * measure this provider, not Pulumi's plugin: memory as our share over a provider that does
 * nothing (measured in the same run), and the one-round update by what the latency adds and
 * what the work costs, apart.
 *
 * Options: --latency <ms> (20), --concurrency <n> (4), --batch-size <n> (100),
 * --members <n> (10000), --unmanaged <n> (2000), --naive-sample <n> (500),
 * --repeats <n> (3), --plugin-starts <n> (5): fresh plugin processes per provider (ours and the
 * floor), each through a create of --members users; the plugin's figures are their medians.
 * Five, because a plugin's peak sits on two levels (see README, Performance): with three,
 * two unlucky runs of ours, or of the floor, made the median.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createPhases,
  deletePhases,
  emailCreatePhases,
  exclusiveCreatePhases,
  optimumCalls,
  overheadPerCallMs,
  refreshPhases,
  rounds,
  updatePhases,
  type Phases,
} from "./bounds";
import { naiveDriver, organizationEmails, oursDriver, oursGuardrailDriver, sdkDriver, type GuardrailDriver, type MembersDriver, type Target } from "./drivers";
import { measurePlugin, measureSerializedSizes, type PluginRuns } from "./plugin-costs";
import { startRemoteEmulator, type RemoteEmulator } from "./remote-emulator";
import { formatReport, type Check, type PluginFigures, type ScenarioRow } from "./report";

interface Options {
  latency: number;
  concurrency: number;
  batchSize: number;
  members: number;
  unmanaged: number;
  naiveSample: number;
  repeats: number;
  pluginStarts: number;
}

const DEFAULTS: Options = { latency: 20, concurrency: 4, batchSize: 100, members: 10_000, unmanaged: 2_000, naiveSample: 500, repeats: 3, pluginStarts: 5 };
const PAGE_SIZE = 100;
/** 1% updates timed per chain (see runChain). */
const UPDATE_SAMPLES = 9;
/** 5% updates timed per chain: forth and back, four times, so the chain ends where it began. */
const WIDE_UPDATE_SAMPLES = 8;

/** Targets of issues #6 and #19. */
const TARGETS = {
  callsRatio: 1,
  wallVsBound: 1.25,
  naiveSpeedup: 50,
  sdkRatio: 1.05,
  serializedBytes: 4096,
  firstCheckMs: 250,
  /** Our plugin's peak RSS over the floor provider's, at the 10,000-member create. */
  peakRssShareBytes: 20 * 1024 * 1024,
  /** Our plugin's RSS over the floor's once the Checks are done. */
  afterCheckShareBytes: 5 * 1024 * 1024,
  /** The 1% update is one round: (wall - work at L=0) / bound, the share the latency adds. */
  updateLatencyShare: 1.1,
  /** The 1% update's work at L=0 (ours, the emulator's, the loopback), ms. */
  updateWorkMs: 12,
};

function parseOptions(argv: string[]): Options {
  const options = { ...DEFAULTS };
  const names: Record<string, keyof Options> = {
    "--latency": "latency",
    "--concurrency": "concurrency",
    "--batch-size": "batchSize",
    "--members": "members",
    "--unmanaged": "unmanaged",
    "--naive-sample": "naiveSample",
    "--repeats": "repeats",
    "--plugin-starts": "pluginStarts",
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    const key = names[flag];
    if (key === undefined) throw new Error(`unknown option ${JSON.stringify(flag)}; known: ${Object.keys(names).join(", ")}`);
    const raw = inline ?? argv[++i];
    const value = Number(raw);
    const min = key === "latency" ? 0 : 1;
    if (raw === undefined || !Number.isInteger(value) || value < min) throw new Error(`${flag} must be a whole number >= ${min}, not ${JSON.stringify(raw)}`);
    options[key] = value;
  }
  return options;
}

type ScenarioName = "create" | "update" | "update-5%" | "diff" | "refresh" | "delete" | "exclusive" | "emails" | "guardrail-refresh";

/** One timed operation: wall time, and what the emulator saw. */
interface Measurement {
  wallMs: number;
  calls: number;
  byRoute: Record<string, number>;
  maxInFlight: number;
}

async function measure(emulator: RemoteEmulator, operation: () => Promise<unknown>): Promise<Measurement> {
  await emulator.clearLog();
  const started = performance.now();
  await operation();
  const wallMs = performance.now() - started;
  // The log records a request when the server has finished answering it, which can be a
  // moment after the client has read the answer.
  let stats = await emulator.logStats();
  while (stats.inFlight > 0) {
    await sleep(1);
    stats = await emulator.logStats();
  }
  return { wallMs, calls: stats.calls, byRoute: stats.byRoute, maxInFlight: stats.maxInFlight };
}

/**
 * The machine's speed at one moment: the median time to build a keyed map of 10,000 ids,
 * the costliest step of a check. Shared machines drift by a third within minutes, and the
 * fixed work is part of every wall time, so the report gives this at the start and the end.
 */
function cpuReferenceMs(): number {
  const ids = range(0, 10_000);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    const map = Object.create(null) as Record<string, true>;
    for (const id of ids) map[id] = true;
    times.push(performance.now() - started);
  }
  return median(times);
}

const mibOf = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const userId = (index: number): string => `user_${String(index).padStart(6, "0")}`;
const range = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => userId(from + i));
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
/** The median of each figure, taken apart (the runs' medians need not come from one run). */
const medians = <T extends { [K in keyof T]: number }>(records: T[]): T =>
  Object.fromEntries(Object.keys(records[0]!).map((key) => [key, median(records.map((r) => r[key as keyof T]))])) as T;
/** `a - b`, figure by figure. */
const minus = <T extends { [K in keyof T]: number }>(a: T, b: T): T =>
  Object.fromEntries(Object.keys(a).map((key) => [key, a[key as keyof T] - b[key as keyof T]])) as T;
/** One provider's plugin runs with their medians. */
const pluginFigures = (runs: PluginRuns): PluginFigures => ({
  ...runs,
  create: medians(runs.creates),
  firstCheckMedianMs: median(runs.coldStarts.map((c) => c.firstCheckMs)),
  pluginStartMedianMs: median(runs.coldStarts.map((c) => c.pluginStartMs)),
});

/**
 * The scenario chain on fresh workspaces: create, update with churn, no-op diff, refresh,
 * delete, exclusive create, (for a driver that names people by email) a create of the
 * same members by their emails, and, given a `guardrails` driver (ours only: the SDK has no
 * guardrail routes), the refresh of a guardrail whose direct members are the whole set.
 * Given `updateWork` (ours at latency `o.latency` only), each timed 1% update is undone at
 * once with no latency, and the undo's time goes there: the work that update's wall is set
 * against, timed in the same state.
 */
async function runChain(
  emulator: RemoteEmulator,
  driver: MembersDriver & { diff?(workspace: string, userIds: string[]): Promise<boolean | undefined> },
  label: string,
  o: Options,
  emails: ReadonlyMap<string, string>,
  extras: { guardrails?: GuardrailDriver; updateWork?: Measurement[] } = {},
): Promise<Partial<Record<ScenarioName, Measurement[]>>> {
  const members = range(0, o.members);
  const churn = Math.round(o.members / 100);
  const churned = [...range(churn, o.members - churn), ...range(o.members, churn)];
  // 5%: from the 1% chain's last set, drop its first 5% and add as many users it never had.
  const wideChurn = Math.round(o.members / 20);
  const wideChurned = [...churned.slice(wideChurn), ...range(o.members + churn, wideChurn)];
  const workspace = await emulator.createWorkspace(`${label}-members`);
  const exclusiveWorkspace = await emulator.createWorkspace(`${label}-exclusive`);
  await emulator.addMembers(exclusiveWorkspace, range(o.members, o.unmanaged));

  const results: Partial<Record<ScenarioName, Measurement[]>> = {};
  results.create = [await measure(emulator, () => driver.create(workspace, members, false))];
  // The update is one round of calls, so a single GC pause moves it by a tenth: it is timed
  // UPDATE_SAMPLES times, churning forth and back (100 users in and 100 out each time).
  results.update = [];
  const { guardrails, updateWork } = extras;
  if (updateWork === undefined) {
    for (let sample = 0; sample < UPDATE_SAMPLES; sample++) {
      const next = sample % 2 === 0 ? churned : members;
      results.update.push(await measure(emulator, () => driver.update(workspace, next)));
    }
    if (UPDATE_SAMPLES % 2 === 0) throw new Error("the 5% updates start from the 1% chain's churned set: keep UPDATE_SAMPLES odd");
  } else {
    // Timed apart (a chain of its own at L=0), updates back to back ran hot and read up to
    // 4 ms less than the same work after an idle round: the share of the latency came out
    // anywhere from 0.96 to 1.22 on one machine within the hour.
    for (let sample = 0; sample < UPDATE_SAMPLES; sample++) {
      results.update.push(await measure(emulator, () => driver.update(workspace, churned)));
      await emulator.setLatency(0);
      updateWork.push(await measure(emulator, () => driver.update(workspace, members)));
      await emulator.setLatency(o.latency);
    }
    await driver.update(workspace, churned);
  }
  // Several rounds of calls, where a one-round bound is no longer dominated by fixed work.
  results["update-5%"] = [];
  for (let sample = 0; sample < WIDE_UPDATE_SAMPLES; sample++) {
    const next = sample % 2 === 0 ? wideChurned : churned;
    results["update-5%"].push(await measure(emulator, () => driver.update(workspace, next)));
  }
  if (driver.diff) {
    const diff = driver.diff.bind(driver);
    results.diff = [
      await measure(emulator, async () => {
        if ((await diff(workspace, churned)) !== false) throw new Error("the no-op diff reported changes");
      }),
    ];
  }
  results.refresh = [
    await measure(emulator, async () => {
      const count = await driver.refresh(workspace);
      if (count !== o.members) throw new Error(`refresh found ${count} managed members, expected ${o.members}`);
    }),
  ];
  if (guardrails !== undefined) {
    // The workspace's members now (the guardrail's assignees must be members), assigned by
    // hand and adopted by the create, so that only the refresh is timed.
    const guardrail = await emulator.createGuardrail(workspace, churned);
    await guardrails.create(guardrail, churned);
    results["guardrail-refresh"] = [
      await measure(emulator, async () => {
        const count = await guardrails.refresh(guardrail);
        if (count !== o.members) throw new Error(`guardrail refresh found ${count} managed members, expected ${o.members}`);
      }),
    ];
  }
  results.delete = [await measure(emulator, () => driver.remove(workspace))];
  results.exclusive = [await measure(emulator, () => driver.create(exclusiveWorkspace, members, true))];
  if ((await emulator.memberCount(workspace)) !== 0) throw new Error(`${label}: delete left members behind`);
  const after = await emulator.memberCount(exclusiveWorkspace);
  if (after !== o.members) throw new Error(`${label}: exclusive create left ${after} members, expected ${o.members}`);
  if (driver.createByEmail) {
    const createByEmail = driver.createByEmail.bind(driver);
    const emailWorkspace = await emulator.createWorkspace(`${label}-emails`);
    const memberEmails = members.map((id) => emails.get(id)!);
    results.emails = [await measure(emulator, () => createByEmail(emailWorkspace, memberEmails))];
    const named = await emulator.memberCount(emailWorkspace);
    if (named !== o.members) throw new Error(`${label}: the create by email added ${named} members, expected ${o.members}`);
    await emulator.deleteWorkspace(emailWorkspace);
  }
  // The chain's records go, so that the emulator's heap (and its collector's pauses) stays
  // the same size from the first chain to the last.
  await emulator.deleteWorkspace(workspace);
  await emulator.deleteWorkspace(exclusiveWorkspace);
  return results;
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const churn = Math.round(o.members / 100);
  const wideChurn = Math.round(o.members / 20);
  const orgSize = o.members + Math.max(o.unmanaged, churn + wideChurn);
  const emulator = await startRemoteEmulator({ seed: "bench", users: range(0, orgSize), latencyMs: o.latency });
  const target: Target = { baseUrl: emulator.url, managementKey: emulator.managementKey, concurrency: o.concurrency, batchSize: o.batchSize };
  const started = performance.now();
  const cpuAtStart = cpuReferenceMs();
  try {
    const workload = { batchSize: o.batchSize, pageSize: PAGE_SIZE };
    const phases: Record<ScenarioName, Phases> = {
      create: createPhases(o.members, workload),
      update: updatePhases(churn, churn, workload),
      "update-5%": updatePhases(wideChurn, wideChurn, workload),
      diff: [],
      refresh: refreshPhases(o.members, workload),
      delete: deletePhases(o.members, workload),
      exclusive: exclusiveCreatePhases(o.unmanaged, o.members, o.unmanaged, workload),
      // The assignment listing pages as the members listing does.
      "guardrail-refresh": refreshPhases(o.members, workload),
      emails: emailCreatePhases(o.members, orgSize, workload),
    };

    const emails = await organizationEmails(target);
    if (emails.size !== orgSize) throw new Error(`the directory lists ${emails.size} people, expected ${orgSize}`);
    const ours = await oursDriver(target);
    const oursGuardrails = await oursGuardrailDriver(target);
    const sdk = await sdkDriver(target);
    // Warm both before timing: JIT, module loading, first connections, and the heap, whose
    // young generation grows to its working size only once it has seen 10,000-member work
    // (before that, the first timed chain ran ~15% slower). At no latency, so it is quick.
    await emulator.setLatency(0);
    await runChain(emulator, ours, "warm-ours", o, emails, { guardrails: oursGuardrails });
    await runChain(emulator, sdk, "warm-sdk", o, emails);
    await emulator.setLatency(o.latency);

    const oursRuns: Partial<Record<ScenarioName, Measurement[]>>[] = [];
    const sdkRuns: Partial<Record<ScenarioName, Measurement[]>>[] = [];
    // Ours again with no latency: what is left is the work (ours, the emulator's, the
    // loopback), so wall - that is what the network cost, to set beside the bound.
    const zeroLatencyRuns: Partial<Record<ScenarioName, Measurement[]>>[] = [];
    // The 1% update's work at L=0, timed beside its walls (see runChain).
    const updateWork: Measurement[] = [];
    const chains = {
      ours: async (rep: number) => oursRuns.push(await runChain(emulator, ours, `ours-${rep}`, o, emails, { guardrails: oursGuardrails, updateWork })),
      sdk: async (rep: number) => sdkRuns.push(await runChain(emulator, sdk, `sdk-${rep}`, o, emails)),
      "ours-no-latency": async (rep: number) => {
        await emulator.setLatency(0);
        zeroLatencyRuns.push(await runChain(emulator, ours, `ours-no-latency-${rep}`, o, emails, { guardrails: oursGuardrails }));
        await emulator.setLatency(o.latency);
      },
    };
    const kinds = Object.keys(chains) as (keyof typeof chains)[];
    for (let rep = 0; rep < o.repeats; rep++) {
      // Rotate the order so that no chain always runs on a warmer or busier machine (or
      // heap: the work at L=0 is set against the walls, so it is timed among them).
      for (let i = 0; i < kinds.length; i++) await chains[kinds[(rep + i) % kinds.length]!](rep);
    }

    // Naive: measured on a sample and compared per user (a full 10,000 would take minutes).
    const naive = naiveDriver(target);
    const naiveWorkspace = await emulator.createWorkspace("naive-members");
    const sample = range(0, o.naiveSample);
    const sampleChurn = [...range(churn, o.naiveSample - churn), ...range(o.members, churn)];
    const naiveCreate = await measure(emulator, () => naive.create(naiveWorkspace, sample, false));
    const naiveUpdate = await measure(emulator, () => naive.update(naiveWorkspace, sampleChurn));
    const naiveDelete = await measure(emulator, () => naive.remove(naiveWorkspace));
    await naive.close();
    const naivePerUserMs = { create: naiveCreate.wallMs / o.naiveSample, delete: naiveDelete.wallMs / o.naiveSample };
    const naiveEstimateMs: Partial<Record<ScenarioName, number>> = {
      create: naiveCreate.wallMs + naivePerUserMs.create * (o.members - o.naiveSample),
      // The churn is the same 100 + 100 users as ours: measured in full, not sampled.
      update: naiveUpdate.wallMs,
      delete: naivePerUserMs.delete * o.members,
    };

    const sizes = await measureSerializedSizes();
    const pluginWorkspaces: string[] = [];
    await emulator.clearLog();
    const pluginRuns = await measurePlugin(target, range(0, o.members), o.pluginStarts, async () => {
      const workspace = await emulator.createWorkspace(`plugin-members-${pluginWorkspaces.length}`);
      pluginWorkspaces.push(workspace);
      return workspace;
    });
    // Only ours calls the emulator: the calls of its creates, per create.
    const pluginCalls = (await emulator.logStats()).calls / pluginWorkspaces.length;
    for (const workspace of pluginWorkspaces) {
      if ((await emulator.memberCount(workspace)) !== o.members) throw new Error(`the plugin's create into ${workspace} did not add every member`);
    }
    const oursPlugin = pluginFigures(pluginRuns.ours);
    const floorPlugin = pluginFigures(pluginRuns.floor);
    const ourShare = minus(oursPlugin.create, floorPlugin.create);

    const rows: ScenarioRow[] = (Object.keys(phases) as ScenarioName[]).map((name) => {
      const samples = (runs: Partial<Record<ScenarioName, Measurement[]>>[]) => runs.flatMap((run) => run[name] ?? []);
      const oursAll = samples(oursRuns);
      const sdkAll = samples(sdkRuns);
      const callCounts = new Set(oursAll.map((m) => m.calls));
      const roundCount = rounds(phases[name], o.concurrency);
      const oursMs = median(oursAll.map((m) => m.wallMs));
      const sdkMs = sdkAll.length > 0 ? median(sdkAll.map((m) => m.wallMs)) : undefined;
      const workMs = median((name === "update" ? updateWork : samples(zeroLatencyRuns)).map((m) => m.wallMs));
      return {
        name,
        calls: Math.max(...callCounts),
        callsVary: callCounts.size > 1,
        optimumCalls: optimumCalls(phases[name]),
        byRoute: oursAll[0]!.byRoute,
        maxInFlight: Math.max(...oursAll.map((m) => m.maxInFlight)),
        rounds: roundCount,
        boundMs: roundCount * o.latency,
        oursMs,
        workMs,
        oursOverheadMs: overheadPerCallMs(oursMs, roundCount, o.latency),
        ...(sdkMs === undefined ? {} : { sdkMs, sdkOverheadMs: overheadPerCallMs(sdkMs, roundCount, o.latency) }),
        ...(naiveEstimateMs[name] === undefined ? {} : { naiveMs: naiveEstimateMs[name] }),
      };
    });

    const checks: Check[] = [];
    for (const row of rows) {
      checks.push({ what: `${row.name}: calls / optimum`, value: row.calls === row.optimumCalls && !row.callsVary ? 1 : row.calls / Math.max(1, row.optimumCalls), target: `= ${TARGETS.callsRatio.toFixed(2)}`, ok: row.calls === row.optimumCalls && !row.callsVary });
      if (row.name === "update") {
        // One round: the bound is 20 ms, and the work every design does on 10,000 ids is a
        // quarter of it, so wall / bound would measure that work, not the network use. The
        // two are held apart: what the latency added, against the bound; the work, in ms.
        const share = (row.oursMs - row.workMs) / row.boundMs;
        checks.push({ what: "update: (wall - work at L=0) / bound", value: share, target: `<= ${TARGETS.updateLatencyShare}`, ok: o.concurrency !== 4 || share <= TARGETS.updateLatencyShare });
        checks.push({ what: "update: work at L=0, ms", value: row.workMs, target: `<= ${TARGETS.updateWorkMs}`, ok: o.members !== 10_000 || row.workMs <= TARGETS.updateWorkMs });
      } else if (row.boundMs > 0) {
        const ratio = row.oursMs / row.boundMs;
        checks.push({ what: `${row.name}: wall / latency bound`, value: ratio, target: `<= ${TARGETS.wallVsBound}`, ok: o.concurrency !== 4 || ratio <= TARGETS.wallVsBound });
      }
      if (row.sdkMs !== undefined) {
        const ratio = row.oursMs / row.sdkMs;
        checks.push({ what: `${row.name}: ours / @openrouter/sdk`, value: ratio, target: `<= ${TARGETS.sdkRatio}`, ok: ratio <= TARGETS.sdkRatio });
      }
    }
    const createRow = rows.find((row) => row.name === "create")!;
    const naiveSpeedup = createRow.naiveMs! / createRow.oursMs;
    checks.push({ what: "create: naive / ours", value: naiveSpeedup, target: `>= ${TARGETS.naiveSpeedup}`, ok: naiveSpeedup >= TARGETS.naiveSpeedup });
    checks.push({ what: "serialized provider, bytes", value: sizes.oursBytes, target: `<= ${TARGETS.serializedBytes}`, ok: sizes.oursBytes <= TARGETS.serializedBytes });
    checks.push({ what: "plugin: port -> first Check, ms", value: oursPlugin.firstCheckMedianMs, target: `<= ${TARGETS.firstCheckMs}`, ok: oursPlugin.firstCheckMedianMs <= TARGETS.firstCheckMs });
    checks.push({
      what: `plugin: peak RSS over the floor at the ${o.members}-member create, MiB`,
      value: ourShare.peakRssBytes / 2 ** 20,
      target: `<= ${TARGETS.peakRssShareBytes / 2 ** 20}`,
      ok: ourShare.peakRssBytes <= TARGETS.peakRssShareBytes,
    });
    checks.push({
      what: "plugin: RSS over the floor after the Checks, MiB",
      value: ourShare.rssAfterCheckBytes / 2 ** 20,
      target: `<= ${TARGETS.afterCheckShareBytes / 2 ** 20}`,
      ok: ourShare.rssAfterCheckBytes <= TARGETS.afterCheckShareBytes,
    });
    const notes = [
      `Note (not a target): the plugin's own peak RSS at that create is ${mibOf(oursPlugin.create.peakRssBytes)} MiB, of which the Pulumi floor ` +
        `(the same inputs and outputs, no provider work) needs ${mibOf(floorPlugin.create.peakRssBytes)} MiB: Pulumi's protobuf handling, not ours.`,
    ];

    const environment = {
      date: new Date().toISOString(),
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? "unknown",
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpuReferenceMs: { start: cpuAtStart, end: cpuReferenceMs() },
    };
    const result = {
      environment,
      options: { ...o, updateSamples: UPDATE_SAMPLES, wideUpdateSamples: WIDE_UPDATE_SAMPLES },
      rows,
      naive: { sampleUsers: o.naiveSample, concurrency: o.concurrency, createMs: naiveCreate.wallMs, updateMs: naiveUpdate.wallMs, deleteMs: naiveDelete.wallMs, perUserMs: naivePerUserMs, calls: { create: naiveCreate.calls, update: naiveUpdate.calls, delete: naiveDelete.calls } },
      serialized: sizes,
      plugin: { ours: oursPlugin, floor: floorPlugin, ourShare, createCalls: pluginCalls },
      checks,
      notes,
      benchSeconds: (performance.now() - started) / 1000,
    };
    process.stdout.write(formatReport(result));
    const resultsDir = join(__dirname, "results");
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, "latest.json"), `${JSON.stringify(result, null, 2)}\n`);
    const missed = checks.filter((check) => !check.ok);
    process.stdout.write(missed.length === 0 ? "\nAll targets met.\n" : `\nMissed ${missed.length} target(s): ${missed.map((m) => m.what).join("; ")}\n`);
    return missed.length === 0 ? 0 : 1;
  } finally {
    await emulator.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
