/**
 * The emulator's workspace budgets over real HTTP: the four routes' shapes, create or
 * update, deletes that succeed with nothing to delete, the ordering rule (lifetime >
 * monthly > weekly > daily among the budgets present) enforced and named, the one
 * workspace-wide BYOK flag, validation naming the field, budgets going with their
 * workspace, the default workspace, and the changes made by hand. A property test runs
 * random PUT/DELETE sequences against the ordering rule.
 */
import fc from "fast-check";
import { startEmulator, type BudgetInterval, type Emulator } from "../../provider/testing";
import { call, errorShape, ISO, UUID } from "../support/emulator-http";
import { describeRouteBasics } from "../support/emulator-routes";

let emulator: Emulator;
let slugSerial = 0;
/** Each call of the clock is a second after the last, so an update shows in updated_at. */
let tick = 0;

beforeAll(async () => {
  emulator = await startEmulator({ seed: "budgets-test", now: () => new Date(Date.UTC(2026, 7, 1) + tick++ * 1000) });
});

afterAll(() => emulator.close());

afterEach(() => {
  emulator.configure({ defaultWorkspaceBudgets: "allow" });
});

const newWorkspace = (): string => emulator.createWorkspace({ slug: `budgets-${++slugSerial}` }).id;
const put = (workspace: string, interval: string, body: unknown) =>
  call(emulator, "PUT", `/workspaces/${workspace}/budgets/${interval}`, { body });
const get = (workspace: string, interval?: string) =>
  call(emulator, "GET", `/workspaces/${workspace}/budgets${interval === undefined ? "" : `/${interval}`}`);
const del = (workspace: string, interval: string) => call(emulator, "DELETE", `/workspaces/${workspace}/budgets/${interval}`);
const limits = (workspace: string): Record<string, number> =>
  Object.fromEntries(emulator.budgets(workspace).map((b) => [b.reset_interval ?? "lifetime", b.limit_usd]));

describe("budget routes", () => {
  it("PUT creates a budget: 200 with every field and the workspace's BYOK flag", async () => {
    const workspace = newWorkspace();
    const reply = await put(workspace, "monthly", { limit_usd: 250.5 });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      data: {
        id: expect.stringMatching(UUID),
        workspace_id: workspace,
        limit_usd: 250.5,
        reset_interval: "monthly",
        created_at: expect.stringMatching(ISO),
        updated_at: reply.json.data.created_at,
      },
      include_byok_in_budgets: false,
    });
  });

  it("names the lifetime budget's reset_interval null", async () => {
    const reply = await put(newWorkspace(), "lifetime", { limit_usd: 1000 });
    expect(reply.json.data.reset_interval).toBeNull();
  });

  it("PUT again updates in place: same id and created_at, new limit and updated_at", async () => {
    const workspace = newWorkspace();
    const first = (await put(workspace, "weekly", { limit_usd: 10 })).json.data;
    const second = (await put(workspace, "weekly", { limit_usd: 12 })).json.data;
    expect(second).toEqual({ ...first, limit_usd: 12, updated_at: expect.stringMatching(ISO) });
    expect(second.updated_at > first.updated_at).toBe(true);
    expect(emulator.budgets(workspace)).toHaveLength(1);
  });

  it("lists every budget narrowest first, without paging; [] when none", async () => {
    const workspace = newWorkspace();
    expect((await get(workspace)).json).toEqual({ data: [], include_byok_in_budgets: false });
    for (const [interval, limit] of [["lifetime", 900], ["daily", 5], ["monthly", 300], ["weekly", 80]] as const) {
      expect((await put(workspace, interval, { limit_usd: limit })).status).toBe(200);
    }
    const reply = await get(workspace);
    expect(reply.status).toBe(200);
    expect(reply.json.data.map((b: { reset_interval: string | null; limit_usd: number }) => [b.reset_interval, b.limit_usd])).toEqual([
      ["daily", 5],
      ["weekly", 80],
      ["monthly", 300],
      [null, 900],
    ]);
    expect(reply.json).not.toHaveProperty("total_count");
  });

  it("GET one interval: 200 with the budget, 404 when that interval has none", async () => {
    const workspace = newWorkspace();
    const created = (await put(workspace, "daily", { limit_usd: 3 })).json.data;
    expect((await get(workspace, "daily")).json).toEqual({ data: created, include_byok_in_budgets: false });
    const absent = await get(workspace, "weekly");
    expect(absent.status).toBe(404);
    expect(absent.json).toEqual(errorShape(404, "Budget not found"));
  });

  it("DELETE: 200 { deleted: true }, also when there was none; a budget put again is a new one", async () => {
    const workspace = newWorkspace();
    const first = (await put(workspace, "daily", { limit_usd: 3 })).json.data;
    expect((await del(workspace, "daily")).json).toEqual({ deleted: true });
    expect((await get(workspace, "daily")).status).toBe(404);
    const again = await del(workspace, "daily");
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ deleted: true });
    expect((await put(workspace, "daily", { limit_usd: 3 })).json.data.id).not.toBe(first.id);
  });

  it("addresses the workspace by slug as well as UUID", async () => {
    const workspace = newWorkspace();
    const slug = emulator.workspace(workspace)?.slug as string;
    await put(slug, "daily", { limit_usd: 2 });
    expect((await get(workspace, "daily")).json.data.limit_usd).toBe(2);
  });

  it("answers 405 with the methods a budget path has", async () => {
    const workspace = newWorkspace();
    const onInterval = await call(emulator, "POST", `/workspaces/${workspace}/budgets/daily`, { body: { limit_usd: 1 } });
    expect(onInterval.status).toBe(405);
    expect(onInterval.headers.get("allow")).toBe("GET, PUT, DELETE");
    const onList = await call(emulator, "PUT", `/workspaces/${workspace}/budgets`, { body: { limit_usd: 1 } });
    expect(onList.headers.get("allow")).toBe("GET");
  });
});

describe("the ordering rule", () => {
  const RULE = "Budget limits must strictly decrease as the interval narrows (lifetime > monthly > weekly > daily)";

  it.each([
    ["weekly above monthly", { monthly: 100 }, "weekly", 150, "monthly limit_usd 100 must be greater than weekly limit_usd 150"],
    ["weekly equal to monthly", { monthly: 100 }, "weekly", 100, "monthly limit_usd 100 must be greater than weekly limit_usd 100"],
    ["lifetime under daily", { daily: 20 }, "lifetime", 10, "lifetime limit_usd 10 must be greater than daily limit_usd 20"],
    ["daily above weekly, monthly present too", { monthly: 100, weekly: 50 }, "daily", 60, "weekly limit_usd 50 must be greater than daily limit_usd 60"],
    ["monthly above lifetime, with a gap", { lifetime: 500, daily: 5 }, "monthly", 600, "lifetime limit_usd 500 must be greater than monthly limit_usd 600"],
    ["monthly raised past lifetime", { lifetime: 500, monthly: 100 }, "monthly", 500, "lifetime limit_usd 500 must be greater than monthly limit_usd 500"],
  ])("refuses %s: 400 naming both intervals and values, nothing changed", async (_case, before, interval, limit, conflict) => {
    const workspace = newWorkspace();
    for (const [name, value] of Object.entries(before)) expect((await put(workspace, name, { limit_usd: value })).status).toBe(200);
    const reply = await put(workspace, interval, { limit_usd: limit, include_byok_in_budgets: true });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, `${RULE}: ${conflict}`));
    expect(limits(workspace)).toEqual(before);
    expect(emulator.workspace(workspace)?.include_byok_in_budgets).toBe(false);
  });

  it.each([
    ["a gap between present intervals", { daily: 5, lifetime: 6 }, "monthly", 5.5],
    ["raising a wide one", { weekly: 50, monthly: 100 }, "monthly", 1e6],
    ["lowering a narrow one", { daily: 5, weekly: 50 }, "daily", 0.01],
    ["a lone budget", {}, "daily", 1e9],
  ])("accepts %s", async (_case, before, interval, limit) => {
    const workspace = newWorkspace();
    for (const [name, value] of Object.entries(before)) await put(workspace, name, { limit_usd: value });
    expect((await put(workspace, interval, { limit_usd: limit })).status).toBe(200);
    expect(limits(workspace)).toEqual({ ...before, [interval]: limit });
  });

  it("checks a PUT against budgets set by hand out of order, but only on the pairs it touches", async () => {
    const workspace = newWorkspace();
    emulator.setBudget(workspace, "monthly", 10);
    emulator.setBudget(workspace, "weekly", 20);
    expect((await put(workspace, "daily", { limit_usd: 5 })).status).toBe(200);
    const refused = await put(workspace, "lifetime", { limit_usd: 15 });
    expect(refused.json.error.message).toMatch(/lifetime limit_usd 15 must be greater than weekly limit_usd 20$/);
  });

  // Random sequences of PUT and DELETE, each checked against a model of the rule written
  // here, apart from the emulator's: a refused PUT is one that would have broken the order
  // (and changes nothing); an accepted one would not have; the state always holds the order.
  it("never leaves budgets out of order, and refuses exactly the PUTs that would break it", async () => {
    const RANK: Record<BudgetInterval, number> = { daily: 0, weekly: 1, monthly: 2, lifetime: 3 };
    const inOrder = (state: Record<string, number>): boolean => {
      const byRank = Object.entries(state).sort(([a], [b]) => RANK[a as BudgetInterval] - RANK[b as BudgetInterval]);
      return byRank.every(([, limit], i) => i === 0 || limit > (byRank[i - 1] as [string, number])[1]);
    };
    const interval = fc.constantFrom<BudgetInterval>("daily", "weekly", "monthly", "lifetime");
    const step = fc.oneof(
      { weight: 3, arbitrary: fc.record({ op: fc.constant("put" as const), interval, limit: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constantFrom(0.5, 2.5, 1e6)) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), interval }) },
    );
    const counts = { refused: 0, accepted: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const workspace = newWorkspace();
        for (const s of steps) {
          const before = limits(workspace);
          if (s.op === "delete") {
            expect((await del(workspace, s.interval)).status).toBe(200);
          } else {
            const wouldBreak = !inOrder({ ...before, [s.interval]: s.limit });
            const reply = await put(workspace, s.interval, { limit_usd: s.limit });
            expect({ step: s, before, status: reply.status }).toEqual({ step: s, before, status: wouldBreak ? 400 : 200 });
            if (wouldBreak) expect(limits(workspace)).toEqual(before);
            counts[wouldBreak ? "refused" : "accepted"]++;
          }
          expect(inOrder(limits(workspace))).toBe(true);
        }
      }),
      { numRuns: 80, seed: 2026 },
    );
    // Both outcomes were really exercised.
    expect(counts.refused).toBeGreaterThan(20);
    expect(counts.accepted).toBeGreaterThan(20);
  });
});

describe("include_byok_in_budgets: one flag for the workspace", () => {
  it("is left as it is when a PUT omits it, set for every interval when given", async () => {
    const workspace = newWorkspace();
    await put(workspace, "monthly", { limit_usd: 100 });
    const set = await put(workspace, "daily", { limit_usd: 5, include_byok_in_budgets: true });
    expect(set.json.include_byok_in_budgets).toBe(true);
    expect((await get(workspace, "monthly")).json.include_byok_in_budgets).toBe(true);
    expect((await put(workspace, "weekly", { limit_usd: 20 })).json.include_byok_in_budgets).toBe(true);
    expect((await call(emulator, "GET", `/workspaces/${workspace}`)).json.data.include_byok_in_budgets).toBe(true);
    await put(workspace, "weekly", { limit_usd: 20, include_byok_in_budgets: false });
    expect((await get(workspace)).json.include_byok_in_budgets).toBe(false);
  });

  it.each([
    ["POST /workspaces", "POST", "/workspaces", { name: "x", slug: "byok-create", include_byok_in_budgets: true }],
    ["PATCH /workspaces/{id}", "PATCH", "/workspaces/default", { include_byok_in_budgets: true }],
  ])("is refused by %s, with where to set it", async (_case, method, path, body) => {
    const reply = await call(emulator, method, path, { body });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, /^include_byok_in_budgets is not accepted here: set it with PUT \/workspaces\/\{id\}\/budgets\/\{interval\}$/));
    expect(emulator.workspace("default")?.include_byok_in_budgets).toBe(false);
    expect(emulator.workspace("byok-create")).toBeUndefined();
  });
});

describe("validation", () => {
  it.each([
    ["not JSON", "{limit_usd:", /^Request body is not valid JSON$/],
    ["an empty body", "", /^Request body is required$/],
    ["a JSON array", "[]", /^Request body must be a JSON object/],
    ["no limit_usd", JSON.stringify({ include_byok_in_budgets: true }), /^limit_usd is required$/],
    ["limit_usd 0", JSON.stringify({ limit_usd: 0 }), /^limit_usd must be a number greater than 0, got 0$/],
    ["a negative limit_usd", JSON.stringify({ limit_usd: -5 }), /^limit_usd must be a number greater than 0, got -5$/],
    ["a string limit_usd", JSON.stringify({ limit_usd: "10" }), /^limit_usd must be a number greater than 0, got "10"$/],
    ["a null limit_usd", JSON.stringify({ limit_usd: null }), /^limit_usd must be a number greater than 0, got null$/],
    ["an overflowing limit_usd", '{"limit_usd": 1e999}', /^limit_usd must be a number greater than 0/],
    ["a camelCase field", JSON.stringify({ limit_usd: 1, includeByokInBudgets: true }), /^Unknown field "includeByokInBudgets"$/],
    ["a prototype name as a field", JSON.stringify({ limit_usd: 1, constructor: 1 }), /^Unknown field "constructor"$/],
    ["a non-boolean BYOK flag", JSON.stringify({ limit_usd: 1, include_byok_in_budgets: "yes" }), /^include_byok_in_budgets must be a boolean, got "yes"$/],
  ])("refuses a PUT with %s: 400 naming the problem", async (_case, rawBody, message) => {
    const workspace = newWorkspace();
    const reply = await call(emulator, "PUT", `/workspaces/${workspace}/budgets/daily`, { rawBody });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, message));
    expect(emulator.budgets(workspace)).toEqual([]);
  });

  it.each([["GET"], ["PUT"], ["DELETE"]])("%s refuses an interval that is not one of the four, naming them", async (method) => {
    const body = method === "PUT" ? { limit_usd: 1 } : undefined;
    const reply = await call(emulator, method, `/workspaces/${newWorkspace()}/budgets/hourly`, { body });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, 'interval must be one of daily, weekly, monthly, lifetime, got "hourly"'));
  });

  it("decodes the interval once and never lets it reach another route", async () => {
    const workspace = newWorkspace();
    expect((await put(workspace, "%64aily", { limit_usd: 1 })).status).toBe(200);
    const hostile = await put(workspace, "daily%2F..", { limit_usd: 1 });
    expect(hostile.json).toEqual(errorShape(400, /^interval must be one of .*got "daily\/\.\."$/));
    expect(emulator.log.entries.at(-1)?.route).toBe("PUT /workspaces/:id/budgets/:interval");
  });

  it("answers 404 for an absent or hostile workspace id on every budget route", async () => {
    for (const [method, path] of [
      ["GET", "/workspaces/no-such/budgets"],
      ["GET", "/workspaces/no-such/budgets/daily"],
      ["PUT", "/workspaces/no-such/budgets/daily"],
      ["DELETE", "/workspaces/no-such/budgets/daily"],
      ["GET", "/workspaces/..%2Fworkspaces/budgets"],
    ] as const) {
      const reply = await call(emulator, method, path, { body: method === "PUT" ? { limit_usd: 1 } : undefined });
      expect([method, path, reply.status, reply.json]).toEqual([method, path, 404, errorShape(404, "Workspace not found")]);
    }
  });
});

describe("budgets and their workspace", () => {
  it("go when the workspace is deleted: a new one under the same slug starts with none", async () => {
    const created = (await call(emulator, "POST", "/workspaces", { body: { name: "Short-lived", slug: "short-lived" } })).json.data;
    await put(created.id, "daily", { limit_usd: 1 });
    await put(created.id, "lifetime", { limit_usd: 10, include_byok_in_budgets: true });
    expect((await call(emulator, "DELETE", "/workspaces/short-lived")).status).toBe(200);
    expect((await get(created.id)).status).toBe(404);
    const again = (await call(emulator, "POST", "/workspaces", { body: { name: "Again", slug: "short-lived" } })).json.data;
    expect((await get(again.id)).json).toEqual({ data: [], include_byok_in_budgets: false });
  });

  it("the default workspace takes budgets unless told to refuse them", async () => {
    expect((await put("default", "daily", { limit_usd: 7 })).status).toBe(200);
    emulator.configure({ defaultWorkspaceBudgets: "refuse" });
    for (const reply of [await put("default", "daily", { limit_usd: 8 }), await del("default", "daily")]) {
      expect(reply.status).toBe(403);
      expect(reply.json).toEqual(errorShape(403, "Cannot modify budgets of the default workspace"));
    }
    expect((await get("default")).json.data.map((b: { limit_usd: number }) => b.limit_usd)).toEqual([7]);
    expect(() => emulator.configure({ defaultWorkspaceBudgets: "maybe" as "allow" })).toThrow(/must be "allow" or "refuse"/);
  });
});

describe("changes made by hand", () => {
  it("show through the API as drift: set, delete, flag", async () => {
    const workspace = newWorkspace();
    await put(workspace, "monthly", { limit_usd: 100 });
    const byHand = emulator.setBudget(workspace, "monthly", 90);
    emulator.setBudget(workspace, "daily", 95);
    emulator.setIncludeByokInBudgets(workspace, true);
    const listed = (await get(workspace)).json;
    expect(listed.data.map((b: { limit_usd: number }) => b.limit_usd)).toEqual([95, 90]);
    expect(listed.data[1]).toEqual(byHand);
    expect(listed.include_byok_in_budgets).toBe(true);
    emulator.deleteBudget(workspace, "daily");
    expect((await get(workspace, "daily")).status).toBe(404);
    expect(emulator.budget(workspace, "monthly")).toEqual(byHand);
    expect(emulator.budget(workspace, "daily")).toBeUndefined();
  });

  it("throw a plain error for an absent workspace, an unknown interval or a limit not above 0", () => {
    const workspace = newWorkspace();
    expect(() => emulator.setBudget("nope", "daily", 1)).toThrow('The emulator has no workspace "nope"');
    expect(() => emulator.setBudget(workspace, "hourly" as BudgetInterval, 1)).toThrow(/must be one of daily, weekly, monthly, lifetime/);
    expect(() => emulator.setBudget(workspace, "daily", 0)).toThrow(/above 0, got 0/);
    expect(emulator.budgets(workspace)).toEqual([]);
  });
});

describeRouteBasics(
  () => emulator,
  () => {
    const workspace = newWorkspace();
    emulator.setBudget(workspace, "daily", 1);
    return [
      { route: "GET /workspaces/:id/budgets", path: () => `/workspaces/${workspace}/budgets` },
      { route: "GET /workspaces/:id/budgets/:interval", path: () => `/workspaces/${workspace}/budgets/daily` },
      { route: "PUT /workspaces/:id/budgets/:interval", path: () => `/workspaces/${workspace}/budgets/daily`, body: () => ({ limit_usd: 1 }) },
      { route: "DELETE /workspaces/:id/budgets/:interval", path: () => `/workspaces/${workspace}/budgets/weekly` },
    ];
  },
);
