/**
 * Concurrency and limits (issue #5): several additive `WorkspaceMembers` on one workspace,
 * applied at the same time as the engine applies independent resources, each manage their
 * own users without disturbing the others; under the service's rate limit a large create
 * completes by backing off within the configured wait, and says so clearly when it cannot.
 */
import * as lifecycle from "../../provider/members/lifecycle";
import { PartialFailureError } from "../../provider/core/errors";
import { startEmulator, type Emulator } from "../../provider/testing";
import { stackConfig } from "../support/stack-config";
import { EngineModel } from "../support/engine-model";

const TEAMS = ["alpha", "beta", "gamma", "delta"];
const teamUsers = (team: string, count: number, from = 0): string[] =>
  Array.from({ length: count }, (_, i) => `${team}_${String(from + i).padStart(3, "0")}`);
const ORG = [...TEAMS.flatMap((team) => teamUsers(team, 40)), "by_hand_1", "by_hand_2"];

let emulator: Emulator;

async function configure(extra: Record<string, string> = {}): Promise<void> {
  await lifecycle.configure(
    stackConfig({
      "openrouter:managementKey": emulator.managementKey,
      "openrouter:baseUrl": emulator.url,
      "openrouter:batchSize": "5",
      "openrouter:concurrency": "3",
      "openrouter:retryBaseDelayMs": "1",
      ...extra,
    }),
  );
}

beforeEach(async () => {
  emulator = await startEmulator({ seed: "concurrency", users: ORG, workspaces: [{ slug: "shared", members: ["by_hand_1", "by_hand_2"] }] });
  await configure();
});

afterEach(async () => {
  await emulator.close();
});

const program = (_team: string, users: string[]) => ({ workspaceId: "shared", userIds: users, exclusive: false });
const recorded = (model: EngineModel): string[] => (model.state?.outputs.userIds ?? []) as string[];

describe("several additive resources on one workspace, applied at once", () => {
  it("each adds, updates and removes only its own users; the others and unmanaged members stay", async () => {
    const models = TEAMS.map(() => new EngineModel(lifecycle));

    await Promise.all(TEAMS.map((team, i) => models[i]!.up(program(team, teamUsers(team, 20)))));
    expect(models.map(recorded)).toEqual(TEAMS.map((team) => teamUsers(team, 20)));

    // Each team drops its first 10 and adds 10 more, all at once; alpha is destroyed meanwhile.
    await Promise.all([
      models[0]!.destroy(),
      ...TEAMS.slice(1).map((team, i) => models[i + 1]!.up(program(team, teamUsers(team, 20, 10)))),
    ]);

    expect(models.slice(1).map(recorded)).toEqual(TEAMS.slice(1).map((team) => teamUsers(team, 20, 10)));
    expect(emulator.memberIds("shared")).toEqual(
      ["by_hand_1", "by_hand_2", ...TEAMS.slice(1).flatMap((team) => teamUsers(team, 20, 10))].sort(),
    );
    // Refresh of each sees exactly its own users: nobody disturbed anybody.
    for (const model of models.slice(1)) expect(await model.refresh()).toBe(false);
  });

  it("stays truthful when the service fails a quarter of the requests meanwhile", async () => {
    // One attempt per request, so that a fault fails the run instead of being retried away.
    await configure({ "openrouter:maxAttempts": "1" });
    emulator.configure({ randomFaults: { rate: 0.25, seed: 7, kinds: ["429", "500", "502", "503", "504", "drop"], retryAfterSeconds: 0 } });
    const models = TEAMS.map(() => new EngineModel(lifecycle));

    const outcomes = await Promise.allSettled(TEAMS.map((team, i) => models[i]!.up(program(team, teamUsers(team, 30)))));
    emulator.configure({ randomFaults: null });

    // The faults really fired, and really failed runs.
    expect(emulator.log.entries.filter((e) => e.fault?.startsWith("random:")).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status === "rejected").length).toBeGreaterThan(0);
    const members = new Set(emulator.memberIds("shared"));
    TEAMS.forEach((team, i) => {
      const state = models[i]!.state;
      const mine = teamUsers(team, 40).filter((u) => members.has(u));
      if (outcomes[i]!.status === "fulfilled") expect(mine).toEqual(teamUsers(team, 30));
      // Whatever happened, every recorded user is a member, and every member of the team is
      // recorded, or named unconfirmed when its fate could not be settled.
      const unconfirmed = (state?.outputs.unconfirmedUserIds ?? []) as string[];
      expect(recorded(models[i]!).filter((u) => !members.has(u))).toEqual([]);
      expect(mine.filter((u) => !recorded(models[i]!).includes(u) && !unconfirmed.includes(u))).toEqual([]);
    });
    expect(members.has("by_hand_1") && members.has("by_hand_2")).toBe(true);
  });
});

describe("under the service's rate limit", () => {
  it("a large create completes by waiting what the service asks, within the configured wait", async () => {
    emulator.configure({ rateLimit: { requests: 10, windowMs: 250 } });
    // One request at a time, so the request after a 429 on a route is that request's retry.
    await configure({ "openrouter:batchSize": "2", "openrouter:concurrency": "1", "openrouter:maxAttempts": "20", "openrouter:maxRetryWaitMs": "10000" });
    const model = new EngineModel(lifecycle);
    const users = TEAMS.flatMap((team) => teamUsers(team, 20));

    await model.up(program("all", users));

    expect(recorded(model)).toEqual([...users].sort());
    const limited = emulator.log.entries.filter((e) => e.fault === "rate-limit");
    expect(limited.length).toBeGreaterThan(0);
    // Every wait the service asked for was honoured before the next request on that route.
    const waits = emulator.log.retryAfterWaits();
    expect(waits).toHaveLength(limited.length);
    for (const wait of waits) expect(wait.waitedMs).toBeGreaterThanOrEqual(wait.askedMs - 5);
  });

  it("says clearly that the wait asked exceeds the budget, and records exactly what went through", async () => {
    emulator.configure({ rateLimit: { requests: 4, windowMs: 30_000 } });
    await configure({ "openrouter:batchSize": "2", "openrouter:concurrency": "1", "openrouter:maxRetryWaitMs": "1000" });
    const model = new EngineModel(lifecycle);

    const error = await model.up(program("alpha", teamUsers("alpha", 12))).then(
      () => new Error("expected the create to fail"),
      (caught: unknown) => caught as Error,
    );

    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.message).toMatch(/the service asked to wait \d+ ms \(Retry-After\), more than the 1000 ms left of the retry wait budget \(maxTotalWaitMs 1000\)/);
    expect(error.message).toContain("Added 6 of 12");
    expect(recorded(model)).toEqual(teamUsers("alpha", 6));
    expect(emulator.memberIds("shared")).toEqual(["by_hand_1", "by_hand_2", ...teamUsers("alpha", 6)].sort());
  });
});
