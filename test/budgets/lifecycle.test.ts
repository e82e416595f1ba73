/**
 * The WorkspaceBudgets lifecycle (issue 17) against the emulator over real loopback HTTP,
 * called as the plugin calls it. The emulator enforces the ordering rule itself, so every
 * 200 in its log is a PUT the service accepted. test/engine/budgets-plugin.test.ts covers
 * the same path through Pulumi's real plugin process.
 */
import fc from "fast-check";
import * as lifecycle from "../../provider/budgets/lifecycle";
import { BUDGET_INTERVALS, type BudgetInterval } from "../../provider/api/types";
import type { BudgetLimits } from "../../provider/budgets/plan";
import { BudgetOrderError, ChangeFailedError, OpenRouterNotFoundError, PartialFailureError } from "../../provider/core/errors";
import { startEmulator, type Emulator } from "../../provider/testing";
import { budgetSets, keepsRule, targetOf, wantedSets } from "../support/budgets";
import { emulatorStackConfig } from "../support/stack-config";

type Props = Record<string, unknown>;

let emulator: Emulator;
let uuid: string;

async function configure(extra: Record<string, string> = {}): Promise<void> {
  await lifecycle.configure(
    emulatorStackConfig(emulator, extra),
  );
}

async function checked(news: Props): Promise<Props> {
  const result = await lifecycle.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Props;
}

/** Budgets set by hand (bypassing the rule), replacing whatever the workspace had. */
function setByHand(limits: BudgetLimits): void {
  for (const interval of BUDGET_INTERVALS) {
    const limit = limits[interval];
    if (limit === undefined) emulator.deleteBudget("ml", interval);
    else emulator.setBudget("ml", interval, limit);
  }
}

/** The limits the emulator holds. */
function held(): BudgetLimits {
  const limits: BudgetLimits = {};
  for (const budget of emulator.budgets("ml")) limits[(budget.reset_interval ?? "lifetime") as BudgetInterval] = budget.limit_usd;
  return limits;
}

/** The budget requests sent since the log was last cleared: `PUT weekly 200`, `GET budgets 200`. */
function requests(): string[] {
  return emulator.log.entries.map((entry) => {
    const what = entry.path.split("?")[0]!.split("/").slice(5).join("/") || "workspace";
    return `${entry.method} ${what} ${entry.status}`;
  });
}

/** The limit in an output, or null. */
const limitIn = (outs: Props, interval: BudgetInterval) => (outs[interval] as { limitUsd: number } | null)?.limitUsd ?? null;

async function expectRejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

beforeEach(async () => {
  let tick = 0;
  emulator = await startEmulator({ seed: "budgets-lifecycle", now: () => new Date(Date.UTC(2026, 7, 1) + tick++ * 1000) });
  uuid = emulator.createWorkspace({ slug: "ml" }).id;
  await configure();
});

afterEach(async () => {
  await emulator.close();
});

describe("create", () => {
  it("resolves the workspace, lists its budgets once, PUTs the managed ones narrowest first, and records every interval", async () => {
    const inputs = await checked({ workspaceId: "ml", lifetime: 1000, daily: 20, monthly: 300, includeByokInBudgets: true, __provider: "p" });
    emulator.log.clear();
    const { id, outs } = await lifecycle.create(inputs);

    expect(requests()).toEqual(["GET workspace 200", "GET budgets 200", "PUT budgets/daily 200", "PUT budgets/monthly 200", "PUT budgets/lifetime 200"]);
    expect(id).toBe(uuid);
    const daily = emulator.budget("ml", "daily")!;
    expect(outs).toEqual({
      workspaceId: "ml",
      workspaceUuid: uuid,
      workspaceSlug: "ml",
      daily: { id: daily.id, limitUsd: 20, resetInterval: "daily", createdAt: daily.created_at, updatedAt: daily.updated_at },
      weekly: null,
      monthly: expect.objectContaining({ limitUsd: 300, resetInterval: "monthly" }),
      lifetime: expect.objectContaining({ limitUsd: 1000, resetInterval: null }),
      includeByokInBudgets: true,
      managedFields: ["daily", "monthly", "lifetime", "includeByokInBudgets"],
      unconfirmedFields: [],
    });
    expect(emulator.workspace("ml")?.include_byok_in_budgets).toBe(true);
  });

  it("adopts a budget already at its limit with no request, and shows unmanaged budgets without touching them", async () => {
    setByHand({ daily: 10, weekly: 100 });
    emulator.log.clear();
    const { outs } = await lifecycle.create(await checked({ workspaceId: "ml", daily: 10 }));
    expect(requests()).toEqual(["GET workspace 200", "GET budgets 200"]);
    expect(outs).toMatchObject({ daily: { limitUsd: 10 }, weekly: { limitUsd: 100 }, managedFields: ["daily"] });
  });

  it("fails before any change when the workspace does not exist", async () => {
    emulator.log.clear();
    const error = await expectRejection(lifecycle.create(await checked({ workspaceId: "nope", daily: 5 })), OpenRouterNotFoundError);
    expect(error.message).toContain('Workspace "nope" was not found; nothing was changed');
    // The 404 is believed once the base URL is proven right: GET /workspaces answers 200.
    expect(requests()).toEqual(["GET workspace 404", "GET workspace 200"]);
  });

  it("refuses, before any change, limits out of order with a budget it does not manage, naming both and what to do", async () => {
    setByHand({ daily: 60, weekly: 300 });
    emulator.log.clear();
    const error = await expectRejection(lifecycle.create(await checked({ workspaceId: "ml", daily: 400 })), BudgetOrderError);
    expect(error.conflict).toEqual({ wider: { interval: "weekly", limitUsd: 300 }, narrower: { interval: "daily", limitUsd: 400 } });
    expect(error.message).toBe(
      'The budgets of workspace "ml" would be out of order: weekly (300 USD) must be greater than daily (400 USD) ' +
        "(weekly is not managed here and stays as the service holds it: set it too, or change the limits); " +
        "limits must strictly decrease as the interval narrows (lifetime > monthly > weekly > daily). Nothing was changed.",
    );
    expect(requests()).toEqual(["GET workspace 200", "GET budgets 200"]);
    expect(held()).toEqual({ daily: 60, weekly: 300 });
  });

  it("a first PUT refused: nothing changed, so nothing is recorded", async () => {
    emulator.faults.add({ route: "PUT /workspaces/:id/budgets/:interval", status: 409 });
    const error = await expectRejection(lifecycle.create(await checked({ workspaceId: "ml", daily: 5, weekly: 10 })), ChangeFailedError);
    expect(error).not.toBeInstanceOf(PartialFailureError);
    expect(error.message).toContain("PUT daily 5 USD failed");
    expect(held()).toEqual({});
  });
});

describe("update: the order the service accepts", () => {
  let olds: Props;

  beforeEach(async () => {
    setByHand({ daily: 60, weekly: 300, monthly: 1000, lifetime: 5000 });
    olds = (await lifecycle.create(await checked({ workspaceId: "ml", daily: 60, weekly: 300, monthly: 1000 }))).outs;
    emulator.log.clear();
  });

  it("raising three limits past each other: the widest first, every PUT accepted", async () => {
    const { outs } = await lifecycle.update(uuid, olds, await checked({ workspaceId: "ml", daily: 400, weekly: 500, monthly: 1500 }));
    expect(requests()).toEqual(["GET budgets 200", "PUT budgets/monthly 200", "PUT budgets/weekly 200", "PUT budgets/daily 200"]);
    expect(held()).toEqual({ daily: 400, weekly: 500, monthly: 1500, lifetime: 5000 });
    expect(outs).toMatchObject({ daily: { limitUsd: 400 }, weekly: { limitUsd: 500 }, monthly: { limitUsd: 1500 }, lifetime: { limitUsd: 5000 } });
  });

  it("lowering past each other: the narrowest first, and the delete first because weekly 50 would break against daily 60", async () => {
    const { outs } = await lifecycle.update(uuid, olds, await checked({ workspaceId: "ml", daily: null, weekly: 50, monthly: 80 }));
    expect(requests()).toEqual(["GET budgets 200", "DELETE budgets/daily 200", "PUT budgets/weekly 200", "PUT budgets/monthly 200"]);
    expect(held()).toEqual({ weekly: 50, monthly: 80, lifetime: 5000 });
    expect(outs).toMatchObject({ daily: null, weekly: { limitUsd: 50 }, monthly: { limitUsd: 80 } });
  });

  it("an interval dropped from the program stops being managed: no change to it, only managedFields moves", async () => {
    const { outs } = await lifecycle.update(uuid, olds, await checked({ workspaceId: "ml", daily: 60 }));
    expect(requests()).toEqual(["GET budgets 200"]);
    expect(outs).toMatchObject({ managedFields: ["daily"], weekly: { limitUsd: 300 }, monthly: { limitUsd: 1000 } });
  });

  it("the BYOK flag alone: the narrowest managed budget is PUT again with its own limit, carrying it", async () => {
    const { outs } = await lifecycle.update(uuid, olds, await checked({ workspaceId: "ml", daily: 60, weekly: 300, monthly: 1000, includeByokInBudgets: true }));
    expect(requests()).toEqual(["GET budgets 200", "PUT budgets/daily 200"]);
    expect(emulator.workspace("ml")?.include_byok_in_budgets).toBe(true);
    expect(outs).toMatchObject({ includeByokInBudgets: true, daily: { limitUsd: 60 } });
    expect(held()).toEqual({ daily: 60, weekly: 300, monthly: 1000, lifetime: 5000 });
  });

  it("refuses the BYOK flag when the workspace would have no budget to carry it", async () => {
    setByHand({});
    const error = await expectRejection(lifecycle.update(uuid, olds, await checked({ workspaceId: "ml", daily: null, includeByokInBudgets: true })), ChangeFailedError);
    expect(error.message).toContain("includeByokInBudgets is set with a budget, and the workspace would have none. Nothing was changed");
  });
});

describe("failures part-way: the state records exactly what went through, and a rerun converges", () => {
  const inputs = { workspaceId: "ml", daily: 5, weekly: 10, monthly: 20, __provider: "serialized" };

  it("a refusal after the first PUT: a PartialFailureError with that PUT recorded and __provider; the rerun sends only the rest", async () => {
    await configure({ "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: "PUT /workspaces/:id/budgets/:interval", skip: 1, status: 409 });
    const error = await expectRejection(lifecycle.create(await checked(inputs)), PartialFailureError);
    expect(error.id).toBe(uuid);
    expect(error.properties).toMatchObject({ daily: { limitUsd: 5 }, weekly: null, monthly: null, unconfirmedFields: [], __provider: "serialized" });
    expect(error.message).toContain("PUT weekly 10 USD failed");
    expect(error.message).toContain("1 of 3 changes went through");

    emulator.log.clear();
    const { outs } = await lifecycle.update(uuid, error.properties, await checked(inputs));
    expect(requests()).toEqual(["GET budgets 200", "PUT budgets/weekly 200", "PUT budgets/monthly 200"]);
    expect(outs).toMatchObject({ daily: { limitUsd: 5 }, weekly: { limitUsd: 10 }, monthly: { limitUsd: 20 } });
  });

  it("a lost answer (the PUT applied, the answer dropped) is settled by one listing: the budget is recorded as the service holds it", async () => {
    await configure({ "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: "PUT /workspaces/:id/budgets/:interval", skip: 1, applyFirst: true, drop: true });
    emulator.log.clear();
    const error = await expectRejection(lifecycle.create(await checked(inputs)), PartialFailureError);
    expect(requests()).toEqual(["GET workspace 200", "GET budgets 200", "PUT budgets/daily 200", "PUT budgets/weekly dropped", "GET budgets 200"]);
    expect(error.properties).toMatchObject({ daily: { limitUsd: 5 }, weekly: { limitUsd: 10, id: emulator.budget("ml", "weekly")!.id }, monthly: null, unconfirmedFields: [] });
    expect(error.unconfirmed).toEqual([]);
  });

  it("a lost answer whose listing fails too: unconfirmed (with the flag it carried), diff reports a change, the next update settles it with its listing", async () => {
    await configure({ "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: "PUT /workspaces/:id/budgets/:interval", applyFirst: true, drop: true });
    emulator.faults.add({ route: "GET /workspaces/:id/budgets", skip: 1, status: 503 });
    const news = await checked({ ...inputs, includeByokInBudgets: true });
    const error = await expectRejection(lifecycle.create(news), PartialFailureError);
    expect(error.unconfirmed).toEqual(["daily", "includeByokInBudgets"]);
    // Recorded as last confirmed: no daily budget; the flag as the first listing said.
    expect(error.properties).toMatchObject({ daily: null, includeByokInBudgets: false, unconfirmedFields: ["daily", "includeByokInBudgets"] });
    expect(error.message).toContain("whether it applied is unknown");
    expect(await lifecycle.diff(uuid, error.properties, news)).toMatchObject({ changes: true });

    emulator.log.clear();
    const { outs } = await lifecycle.update(uuid, error.properties, news);
    // The listing shows daily 5 and the flag set: only weekly and monthly remain.
    expect(requests()).toEqual(["GET budgets 200", "PUT budgets/weekly 200", "PUT budgets/monthly 200"]);
    expect(outs).toMatchObject({ daily: { limitUsd: 5 }, includeByokInBudgets: true, unconfirmedFields: [] });
    expect(await lifecycle.diff(uuid, outs, news)).toMatchObject({ changes: false });
  });
});

describe("read", () => {
  it("reports what the service holds, and hands back the managed fields' current values so drift shows", async () => {
    const { outs } = await lifecycle.create(await checked({ workspaceId: "ml", daily: 5, weekly: 50, includeByokInBudgets: false }));
    emulator.deleteBudget("ml", "daily");
    emulator.setBudget("ml", "weekly", 70);
    emulator.setBudget("ml", "monthly", 700);
    emulator.setIncludeByokInBudgets("ml", true);
    emulator.log.clear();

    const result = await lifecycle.read(uuid, outs);
    expect(requests()).toEqual(["GET budgets 200"]);
    expect(result.id).toBe(uuid);
    expect(result.props).toMatchObject({ daily: null, weekly: { limitUsd: 70 }, monthly: { limitUsd: 700 }, includeByokInBudgets: true, managedFields: ["daily", "weekly", "includeByokInBudgets"] });
    expect(result.inputs).toEqual({ workspaceId: "ml", daily: null, weekly: 70, includeByokInBudgets: true });
  });

  it("a workspace gone: an empty id takes the resource out of the state", async () => {
    const { outs } = await lifecycle.create(await checked({ workspaceId: "ml", daily: 5 }));
    emulator.deleteWorkspace("ml");
    expect(await lifecycle.read(uuid, outs)).toEqual({ id: "" });
  });
});

describe("delete", () => {
  it("deletes the managed budgets that exist, and nothing else: unmanaged budgets and the BYOK flag stay", async () => {
    setByHand({ weekly: 100, lifetime: 1000 });
    const { outs } = await lifecycle.create(await checked({ workspaceId: "ml", daily: 5, monthly: 500, lifetime: null, includeByokInBudgets: true }));
    emulator.log.clear();
    await lifecycle.remove(uuid, outs);
    expect(requests()).toEqual(["DELETE budgets/daily 200", "DELETE budgets/monthly 200"]);
    expect(held()).toEqual({ weekly: 100 });
    expect(emulator.workspace("ml")?.include_byok_in_budgets).toBe(true);
  });

  it("a workspace gone counts as done", async () => {
    const { outs } = await lifecycle.create(await checked({ workspaceId: "ml", daily: 5, weekly: 10 }));
    emulator.deleteWorkspace("ml");
    await expect(lifecycle.remove(uuid, outs)).resolves.toBeUndefined();
  });

  it("a DELETE that fails names what is left; the destroy run again finishes", async () => {
    const { outs } = await lifecycle.create(await checked({ workspaceId: "ml", daily: 5, weekly: 10, monthly: 20 }));
    await configure({ "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: "DELETE /workspaces/:id/budgets/:interval", skip: 1, status: 500 });
    const error = await expectRejection(lifecycle.remove(uuid, outs), ChangeFailedError);
    expect(error.message).toContain("DELETE weekly failed");
    expect(error.message).toContain("Deleted: daily; left: weekly, monthly");
    await lifecycle.remove(uuid, outs);
    expect(held()).toEqual({});
  });
});

describe("property: random before and after budget sets, against the emulator's rule", () => {
  it("a change valid as a whole never fails half-way; one that is not is refused before any change", async () => {
    const changes = fc.record({ wanted: wantedSets(), byok: fc.option(fc.boolean(), { nil: undefined }) });
    let runs = 0;
    let refused = 0;
    let applied = 0;
    let sentInAll = 0;
    await fc.assert(
      fc.asyncProperty(budgetSets().filter(keepsRule), fc.array(changes, { minLength: 1, maxLength: 3 }), async (before, history) => {
        runs++;
        setByHand(before);
        emulator.setIncludeByokInBudgets("ml", false);
        let olds: Props | undefined;
        for (const { wanted, byok } of history) {
          const current = held();
          const target = targetOf(current, wanted);
          const check = await lifecycle.check({}, { workspaceId: "ml", ...wanted, ...(byok === undefined ? {} : { includeByokInBudgets: byok }) });
          // Limits out of order among those set (or the flag with every interval null) never get past check.
          if ((check.failures ?? []).length > 0) continue;
          const news = check.inputs as Props;
          const byokChanges = byok !== undefined && byok !== emulator.workspace("ml")?.include_byok_in_budgets;
          const byokCarried = !byokChanges || Object.keys(target).length > 0;
          emulator.log.clear();
          const attempt = olds === undefined ? lifecycle.create(news) : lifecycle.update(uuid, olds, news);
          if (!keepsRule(target) || !byokCarried) {
            refused++;
            await expect(attempt).rejects.toBeInstanceOf(keepsRule(target) ? ChangeFailedError : BudgetOrderError);
            expect(requests().filter((request) => !request.startsWith("GET"))).toEqual([]);
            expect(held()).toEqual(current);
            continue;
          }
          const { outs } = await attempt;
          olds = outs;
          expect(requests().filter((request) => !request.endsWith(" 200"))).toEqual([]);
          expect(held()).toEqual(target);
          for (const interval of BUDGET_INTERVALS) expect(limitIn(outs, interval)).toBe(target[interval] ?? null);
          if (byok !== undefined) expect(emulator.workspace("ml")?.include_byok_in_budgets).toBe(byok);
          // One request per changed interval, plus one PUT to carry a changed flag when no other PUT does.
          const changed = BUDGET_INTERVALS.filter((interval) => current[interval] !== target[interval]);
          const puts = changed.filter((interval) => target[interval] !== undefined).length;
          const sent = requests().filter((request) => request.startsWith("PUT") || request.startsWith("DELETE")).length;
          expect(sent).toBe(changed.length + (byokChanges && puts === 0 ? 1 : 0));
          applied++;
          sentInAll += sent;
        }
      }),
      { numRuns: 150, seed: 2017 },
    );
    console.info(`budgets property: ${runs} histories, ${applied} changes applied with ${sentInAll} PUTs and DELETEs, ${refused} refused before any request`);
    expect(refused).toBeGreaterThan(0);
    expect(applied).toBeGreaterThan(refused);
  });
});
