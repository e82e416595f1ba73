import { startEmulator, type Emulator } from "../../provider/testing";
import { WorkspaceBudgets, type WorkspaceBudgetsArgs } from "../../provider/budgets/resource";
import { Workspace } from "../../provider/workspace/resource";
import {
  CheckFailedError,
  Engine,
  ResourceInitError,
  UNKNOWN,
  captureRegistrations,
  registrationNamed,
  startPluginAgainst,
  type PluginProcess,
  type Registration,
} from "./harness";

// Issue 17: WorkspaceBudgets through Pulumi's real dynamic-provider plugin, with the engine's
// calls and arguments, against the emulator (which enforces the ordering rule: every 200 is
// a PUT the service accepted).

let emulator: Emulator;
let plugin: PluginProcess;

beforeAll(async () => {
  emulator = await startEmulator({ seed: "budgets-plugin" });
  plugin = await startPluginAgainst(emulator, { "openrouter:retryBaseDelayMs": "1" });
});

afterAll(async () => {
  await plugin?.stop();
  await emulator?.close();
});

async function budgets(name: string, args: WorkspaceBudgetsArgs): Promise<Registration> {
  return registrationNamed(await captureRegistrations(() => void new WorkspaceBudgets(name, args)), name);
}

/** The emulator's requests since the last call: `PUT monthly 200`, `GET budgets 200`. */
function takeRequests(): string[] {
  const requests = emulator.log.entries.map((entry) => {
    const what = entry.path.split("?")[0]!.split("/").slice(5).filter((part) => part !== "budgets").join("/") || "budgets";
    return `${entry.method} ${entry.route === "GET /workspaces/:id" ? "workspace" : what} ${entry.status}`;
  });
  emulator.log.clear();
  return requests;
}

function limits(slug: string): Record<string, number> {
  return Object.fromEntries(emulator.budgets(slug).map((budget) => [budget.reset_interval ?? "lifetime", budget.limit_usd]));
}

describe("WorkspaceBudgets through the plugin, step by step", () => {
  let engine: Engine;
  let uuid: string;

  beforeAll(() => {
    engine = new Engine(plugin);
    uuid = emulator.createWorkspace({ slug: "platform" }).id;
    // What the dashboard already holds: lifetime stays unmanaged throughout.
    for (const [interval, limit] of [["lifetime", 5000], ["monthly", 1000], ["weekly", 300], ["daily", 60]] as const) {
      emulator.setBudget("platform", interval, limit);
    }
    emulator.log.clear();
  });

  it("step 1, check refuses limits out of order, naming both, before anything is sent", async () => {
    const program = await budgets("platform", { workspaceId: "platform", daily: 500, weekly: 400 });
    const failure = await engine.preview(program).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CheckFailedError);
    expect((failure as CheckFailedError).failures).toEqual([
      {
        property: "daily",
        reason:
          "daily is out of order: weekly (400 USD) must be greater than daily (500 USD); limits must strictly decrease as the interval narrows (lifetime > monthly > weekly > daily)",
      },
    ]);
    expect(takeRequests()).toEqual([]);
  });

  it("step 2, create adopting what is there: one GET of the workspace, one listing, the changed limits only", async () => {
    const program = await budgets("platform", { workspaceId: "platform", daily: 60, weekly: 300, monthly: 1200, includeByokInBudgets: true });
    expect((await engine.up(program)).map((s) => s.op)).toEqual(["create"]);
    expect(takeRequests()).toEqual(["GET workspace 200", "GET budgets 200", "PUT monthly 200"]);
    const state = engine.state("platform");
    expect(state.id).toBe(uuid);
    expect(state.outputs).toMatchObject({
      workspaceUuid: uuid,
      workspaceSlug: "platform",
      daily: { limitUsd: 60, resetInterval: "daily" },
      monthly: { limitUsd: 1200, id: emulator.budget("platform", "monthly")!.id },
      lifetime: { limitUsd: 5000, resetInterval: null },
      includeByokInBudgets: true,
      managedFields: ["daily", "weekly", "monthly", "includeByokInBudgets"],
      unconfirmedFields: [],
      __provider: program.inputs.__provider,
    });
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same", diff: { changes: "none" } });
  });

  it("step 3, an update that must be reordered: raising daily past weekly and weekly past monthly goes widest first", async () => {
    const program = await budgets("platform", { workspaceId: "platform", daily: 700, weekly: 1100, monthly: 1500, includeByokInBudgets: true });
    expect((await engine.preview(program))[0]).toMatchObject({ op: "update", diff: { changes: "some", replaces: [] } });
    expect(takeRequests()).toEqual([]);

    expect((await engine.up(program)).map((s) => s.op)).toEqual(["update"]);
    expect(takeRequests()).toEqual(["GET budgets 200", "PUT monthly 200", "PUT weekly 200", "PUT daily 200"]);
    expect(limits("platform")).toEqual({ daily: 700, weekly: 1100, monthly: 1500, lifetime: 5000 });
  });

  it("step 4, refresh shows drift made by hand in outputs and inputs; the next up restores only what is managed", async () => {
    emulator.setBudget("platform", "weekly", 900);
    emulator.setBudget("platform", "lifetime", 8000);
    emulator.deleteBudget("platform", "daily");
    emulator.log.clear();

    expect((await engine.refresh()).map((s) => s.op)).toEqual(["update"]);
    expect(takeRequests()).toEqual(["GET budgets 200"]);
    const refreshed = engine.state("platform");
    expect(refreshed.outputs).toMatchObject({ daily: null, weekly: { limitUsd: 900 }, lifetime: { limitUsd: 8000 } });
    expect(refreshed.inputs).toMatchObject({ workspaceId: "platform", daily: null, weekly: 900, monthly: 1500, includeByokInBudgets: true });

    const program = await budgets("platform", { workspaceId: "platform", daily: 700, weekly: 1100, monthly: 1500, includeByokInBudgets: true });
    expect((await engine.preview(program))[0]).toMatchObject({ op: "update", diff: { changes: "some" } });
    await engine.up(program);
    expect(takeRequests()).toEqual(["GET budgets 200", "PUT daily 200", "PUT weekly 200"]);
    expect(limits("platform")).toEqual({ daily: 700, weekly: 1100, monthly: 1500, lifetime: 8000 });
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same", diff: { changes: "none" } });
  });

  it("step 5, destroy deletes the managed budgets only; the unmanaged lifetime and the BYOK flag stay", async () => {
    expect((await engine.destroy()).map((s) => s.op)).toEqual(["delete"]);
    expect(takeRequests()).toEqual(["DELETE daily 200", "DELETE weekly 200", "DELETE monthly 200"]);
    expect(limits("platform")).toEqual({ lifetime: 8000 });
    expect(emulator.workspace("platform")?.include_byok_in_budgets).toBe(true);
  });
});

describe("an update that fails part-way", () => {
  it("reaches the engine as initialization failed with what went through and __provider; the rerun converges", async () => {
    const engine = new Engine(plugin);
    const uuid = emulator.createWorkspace({ slug: "partial" }).id;
    await engine.up(await budgets("partial", { workspaceId: "partial", daily: 10, weekly: 20 }));
    const program = await budgets("partial", { workspaceId: "partial", daily: 30, weekly: 40, monthly: 50 });
    // New before raised: monthly, then weekly (refused, never retried: a 400), daily never sent.
    emulator.faults.add({ route: "PUT /workspaces/:id/budgets/:interval", skip: 1, status: 400, message: "scripted refusal" });
    emulator.log.clear();

    const failure = await engine.up(program).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ResourceInitError);
    const init = failure as ResourceInitError;
    expect(init.method).toBe("update");
    expect(init.message).toMatch(/PUT weekly 40 USD failed: scripted refusal.*1 of 3 changes went through/);
    expect(init.id).toBe(uuid);
    expect(init.properties).toMatchObject({ daily: { limitUsd: 10 }, weekly: { limitUsd: 20 }, monthly: { limitUsd: 50 }, __provider: program.inputs.__provider });
    expect(takeRequests()).toEqual(["GET budgets 200", "PUT monthly 200", "PUT weekly 400"]);
    expect(engine.state("partial")).toMatchObject({ id: uuid, outputs: init.properties });

    expect((await engine.up(program)).map((s) => s.op)).toEqual(["update"]);
    expect(takeRequests()).toEqual(["GET budgets 200", "PUT weekly 200", "PUT daily 200"]);
    expect(limits("partial")).toEqual({ daily: 30, weekly: 40, monthly: 50 });
    await engine.destroy();
    expect(limits("partial")).toEqual({});
  });
});

describe("a Workspace and its WorkspaceBudgets in one program", () => {
  const program = () => {
    const ws = new Workspace("evals", { name: "Evals", slug: "evals" });
    new WorkspaceBudgets("evals-budgets", { workspaceId: ws.id, monthly: 500, daily: 25 });
  };

  it("previews while the id is unknown, creates both, and a workspace deleted by hand takes the budgets out of the state", async () => {
    const engine = new Engine(plugin);
    const registrations = await captureRegistrations(program);
    const ws = registrationNamed(registrations, "evals");
    const spend = registrationNamed(registrations, "evals-budgets");
    emulator.log.clear();
    expect((await engine.preview([ws, { ...spend, inputs: { ...spend.inputs, workspaceId: UNKNOWN } }])).map((s) => s.op)).toEqual(["create", "create"]);
    expect(takeRequests()).toEqual([]);

    await engine.up(ws);
    const uuid = engine.state("evals").id;
    expect((await engine.up([ws, { ...spend, inputs: { ...spend.inputs, workspaceId: uuid } }])).map((s) => s.op)).toEqual(["same", "create"]);
    expect(limits("evals")).toEqual({ daily: 25, monthly: 500 });

    emulator.deleteWorkspace("evals");
    expect((await engine.refresh()).map((s) => s.op)).toEqual(["delete", "delete"]);
    expect(engine.resources).toEqual([]);
  });
});
