/**
 * The WorkspaceMembers lifecycle (issue #3) against the emulator over real loopback HTTP.
 * The functions are called as the plugin calls them; test/engine/members-plugin.test.ts covers the same
 * path through Pulumi's real plugin process.
 */
import * as lifecycle from "../../provider/members/lifecycle";
import { PartialFailureError } from "../../provider/core/errors";
import { UNKNOWN } from "../../provider/core/unknowns";
import { startEmulator, type Emulator, type ScriptedFault } from "../../provider/testing";
import { stackConfig } from "../support/stack-config";

type Props = Record<string, unknown>;

const ORG = ["user_a", "user_b", "user_c", "user_d", "user_e", "user_f", "user_g", "user_h"];
let emulator: Emulator;
let workspaceUuid: string;

async function configure(extra: Record<string, string> = {}): Promise<void> {
  const values: Record<string, string> = {
    "openrouter:managementKey": emulator.managementKey,
    "openrouter:baseUrl": emulator.url,
    "openrouter:retryBaseDelayMs": "1",
    ...extra,
  };
  await lifecycle.configure(stackConfig(values));
}

/** check as the engine does, then create with the checked inputs. */
async function checkAndCreate(news: Props) {
  const checked = await lifecycle.check({}, news);
  expect(checked.failures ?? []).toEqual([]);
  return { inputs: checked.inputs as Props, result: await lifecycle.create(checked.inputs as Props) };
}

async function checked(news: Props): Promise<Props> {
  const result = await lifecycle.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Props;
}

function memberRequests(): { route: string; userIds: number }[] {
  return emulator.log.entries
    .filter((e) => e.route !== undefined && e.route.includes("members"))
    .map((e) => ({ route: e.route as string, userIds: e.userIdsCount ?? 0 }));
}

beforeEach(async () => {
  emulator = await startEmulator({ seed: "lifecycle", users: [...ORG, { id: "user_scim", scim: true }] });
  workspaceUuid = emulator.createWorkspace({ slug: "platform" }).id;
  await configure();
});

afterEach(async () => {
  await emulator.close();
});

describe("create", () => {
  it("resolves the workspace, adds the users in chunks and records their memberships", async () => {
    await configure({ "openrouter:batchSize": "2" });
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_c", "user_a", "user_b"] });

    expect(result.id).toBe(workspaceUuid);
    expect(result.outs).toMatchObject({
      workspaceId: "platform",
      workspaceUuid,
      userIds: ["user_a", "user_b", "user_c"],
      exclusive: false,
      protectedUserIds: [],
    });
    expect(result.outs.memberships.map((m: { userId: string }) => m.userId)).toEqual(["user_a", "user_b", "user_c"]);
    expect(result.outs.memberships[0]).toMatchObject({ workspaceId: workspaceUuid, role: "member" });
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_b", "user_c"]);
    expect(memberRequests()).toEqual([
      { route: "POST /workspaces/:id/members/add", userIds: 2 },
      { route: "POST /workspaces/:id/members/add", userIds: 1 },
    ]);
  });

  it("adopts users who are already members without changing the workspace", async () => {
    emulator.addMembers(workspaceUuid, ["user_a", "user_b"]);
    const { result } = await checkAndCreate({ workspaceId: workspaceUuid, userIds: ["user_a", "user_b"] });
    expect(result.outs.userIds).toEqual(["user_a", "user_b"]);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_b"]);
  });

  it("in additive mode leaves unmanaged members alone", async () => {
    emulator.addMembers(workspaceUuid, ["user_h"]);
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a"] });
    expect(result.outs.userIds).toEqual(["user_a"]);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_h"]);
  });

  it("in exclusive mode removes everyone else except protected users", async () => {
    emulator.addMembers(workspaceUuid, ["user_f", "user_g", "user_h"]);
    const { result } = await checkAndCreate({
      workspaceId: "platform",
      userIds: ["user_a", "user_f"],
      exclusive: true,
      protectedUserIds: ["user_h"],
    });
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_f", "user_h"]);
    expect(result.outs.userIds).toEqual(["user_a", "user_f"]);
    expect(result.outs.protectedUserIds).toEqual(["user_h"]);
  });

  it("refuses an exclusive create that would remove more than maxRemovals, before any change", async () => {
    emulator.addMembers(workspaceUuid, ["user_e", "user_f", "user_g"]);
    emulator.log.clear();
    const inputs = await checked({ workspaceId: "platform", userIds: ["user_a"], exclusive: true, maxRemovals: 2 });
    await expect(lifecycle.create(inputs)).rejects.toThrow("would remove 3 users (user_e, user_f, user_g), more than maxRemovals (2)");
    expect(emulator.log.entries.map((e) => e.route)).toEqual(["GET /workspaces/:id", "GET /workspaces/:id/members"]);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_e", "user_f", "user_g"]);
  });

  it("names a missing workspace and changes nothing", async () => {
    const inputs = await checked({ workspaceId: "no-such-workspace", userIds: ["user_a"] });
    await expect(lifecycle.create(inputs)).rejects.toThrow(/Workspace "no-such-workspace" was not found; nothing was changed/);
    expect(memberRequests()).toEqual([]);
  });

  it("sends no request for an empty user list", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: [] });
    expect(result.outs.userIds).toEqual([]);
    expect(memberRequests()).toEqual([]);
  });

  it("passes the default workspace's refusal to the user and records nothing", async () => {
    const inputs = await checked({ workspaceId: "default", userIds: ["user_a"] });
    const error = await lifecycle.create(inputs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PartialFailureError);
    expect((error as Error).message).toMatch(/Cannot modify members of the default workspace/);
  });

  it("never records a user the service left out, and names every one of them", async () => {
    emulator.configure({ nonOrgUsers: "leave-out" });
    const inputs = await checked({ workspaceId: "platform", userIds: ["user_a", "user_ghost", "user_phantom"] });
    const error = (await lifecycle.create(inputs).catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.message).toMatch(/user_ghost, user_phantom are not members of the organization/);
    expect(error.id).toBe(workspaceUuid);
    expect(error.properties).toMatchObject({ userIds: ["user_a"], workspaceUuid });
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a"]);
  });

  it("adds the organization's members when the service refuses users outside it, and names those (issue 16)", async () => {
    const inputs = await checked({ workspaceId: "platform", userIds: ["user_a", "user_ghost"] });
    await expect(lifecycle.create(inputs)).rejects.toThrow(/user_ghost is not a member of the organization/);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a"]);
  });
});

describe("truth under failure", () => {
  it("a chunk failing in the middle of a create records exactly what went through, and a rerun converges", async () => {
    await configure({ "openrouter:batchSize": "2", "openrouter:concurrency": "1", "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", skip: 1, status: 500, times: 1 });
    const inputs = await checked({
      workspaceId: "platform",
      userIds: ["user_a", "user_b", "user_c", "user_d", "user_e", "user_f"],
      __provider: "serialized-provider",
    });

    const error = (await lifecycle.create(inputs).catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.id).toBe(workspaceUuid);
    // The first chunk went through; the second failed, so the third was never sent.
    expect(error.properties.userIds).toEqual(["user_a", "user_b"]);
    expect(error.properties.__provider).toBe("serialized-provider");
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_b"]);

    // The engine stores the partial properties as outputs; the next `up` diffs and updates from them.
    const olds = error.properties;
    expect((await lifecycle.diff(workspaceUuid, olds, inputs)).changes).toBe(true);
    const { outs } = await lifecycle.update(workspaceUuid, olds, inputs);
    expect(outs.userIds).toEqual(["user_a", "user_b", "user_c", "user_d", "user_e", "user_f"]);
    expect(emulator.memberIds(workspaceUuid)).toEqual(outs.userIds);
    expect((await lifecycle.diff(workspaceUuid, outs, inputs)).changes).toBe(false);
  });

  it("a chunk failing in the middle of an update keeps removed users out and unremoved ones in", async () => {
    await configure({ "openrouter:batchSize": "2", "openrouter:concurrency": "1", "openrouter:maxAttempts": "1" });
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_c", "user_d"] });
    // Drop user_a..user_d, add user_e..user_h: two add chunks, then two remove chunks; the second remove fails.
    emulator.faults.add({ route: "POST /workspaces/:id/members/remove", skip: 1, status: 503, times: 1 });
    const news = await checked({ workspaceId: "platform", userIds: ["user_e", "user_f", "user_g", "user_h"] });

    const error = (await lifecycle.update(workspaceUuid, result.outs, news).catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.properties.userIds).toEqual(emulator.memberIds(workspaceUuid));
    expect(error.properties.userIds).toEqual(["user_c", "user_d", "user_e", "user_f", "user_g", "user_h"]);

    const { outs } = await lifecycle.update(workspaceUuid, error.properties, news);
    expect(outs.userIds).toEqual(["user_e", "user_f", "user_g", "user_h"]);
    expect(emulator.memberIds(workspaceUuid)).toEqual(outs.userIds);
  });

  const ADD = "POST /workspaces/:id/members/add" as const;
  it.each<[string, ScriptedFault[]]>([
    ["every answer is lost", [{ route: ADD, applyFirst: true, drop: true, times: Infinity }]],
    // A refusal on the last attempt does not undo the first one, which went through.
    ["the answer is lost and the retry refused", [{ route: ADD, applyFirst: true, drop: true }, { route: ADD, status: 400, message: "scripted refusal" }]],
  ])("an add is settled by one list call when %s, so the state records who arrived", async (_case, faults) => {
    await configure({ "openrouter:maxAttempts": "2" });
    emulator.faults.add(...faults);
    const inputs = await checked({ workspaceId: "platform", userIds: ["user_a", "user_b"] });

    const error = (await lifecycle.create(inputs).catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_b"]);
    expect(error.properties.userIds).toEqual(["user_a", "user_b"]);
    // A refusal (400) may be users outside the organization: the directory tells (here: none).
    const refused = faults.some((fault) => fault.status === 400) ? ["GET /organization/members"] : [];
    expect(memberRequests().map((r) => r.route)).toEqual([ADD, ADD, ...refused, "GET /workspaces/:id/members"]);
  });

  it("a remove whose answers are all lost is settled the same way, so the state never claims who left", async () => {
    await configure({ "openrouter:maxAttempts": "2" });
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b"] });
    emulator.faults.add({ route: "POST /workspaces/:id/members/remove", applyFirst: true, drop: true, times: Infinity });
    const news = await checked({ workspaceId: "platform", userIds: ["user_a"] });

    const error = (await lifecycle.update(workspaceUuid, result.outs, news).catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a"]);
    expect(error.properties.userIds).toEqual(["user_a"]);
  });

  it("a refused add is not settled by a list call: the refusal changed nothing", async () => {
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", status: 400, message: "scripted refusal" });
    const inputs = await checked({ workspaceId: "platform", userIds: ["user_a"] });
    await expect(lifecycle.create(inputs)).rejects.toThrow(/scripted refusal/);
    // The directory shows no outsider, so the refusal stands as it is.
    expect(memberRequests().map((r) => r.route)).toEqual(["POST /workspaces/:id/members/add", "GET /organization/members"]);
  });

  it("a lost answer to an add is retried and recorded once", async () => {
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", applyFirst: true, drop: true, times: 1 });
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b"] });
    expect(result.outs.userIds).toEqual(["user_a", "user_b"]);
    expect(memberRequests().filter((r) => r.route.endsWith("add"))).toHaveLength(2);
  });
});

describe("unconfirmed changes (issue #13)", () => {
  const ADD = "POST /workspaces/:id/members/add";
  const REMOVE = "POST /workspaces/:id/members/remove";
  const LIST = "GET /workspaces/:id/members";
  /** Every answer of `route` lost after the change is made (or before, `applied: false`), and every listing refused. */
  function loseAnswersAndListings(route: typeof ADD | typeof REMOVE, applied = true): void {
    emulator.faults.add(
      { route, drop: true, applyFirst: applied, times: Infinity },
      { route: LIST, status: 503, times: Infinity },
    );
  }

  /** The emulator's membership of a user, in the provider's camelCase. */
  function truth(userId: string) {
    const m = emulator.member(workspaceUuid, userId)!;
    return { id: m.id, userId: m.user_id, workspaceId: m.workspace_id, role: m.role, createdAt: m.created_at };
  }

  /** A create of user_a whose add may have gone through (it did) and could not be settled. */
  async function createUnconfirmed(): Promise<{ inputs: Props; state: Props; error: PartialFailureError }> {
    await configure({ "openrouter:maxAttempts": "1" });
    loseAnswersAndListings(ADD);
    const inputs = await checked({ workspaceId: "platform", userIds: ["user_a"] });
    const error = (await lifecycle.create(inputs).catch((e: unknown) => e)) as PartialFailureError;
    emulator.faults.clear();
    emulator.log.clear();
    return { inputs, state: error.properties, error };
  }

  it("a lost add whose listing fails too is recorded as unconfirmed, never as a membership, and named", async () => {
    const { inputs, state, error } = await createUnconfirmed();

    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.unconfirmed).toEqual(["user_a"]);
    expect(error.message).toMatch(/could not confirm what happened to user_a/);
    expect(state).toMatchObject({ userIds: [], memberships: [], unconfirmedUserIds: ["user_a"] });
    expect(emulator.memberIds("platform")).toEqual(["user_a"]);
    // The program did not change, yet the next up must run to settle user_a.
    expect(await lifecycle.diff(workspaceUuid, state, inputs)).toEqual({ changes: true, replaces: [] });
  });

  it("then the user dropped from the program: one listing settles it, and the user is removed", async () => {
    const { state } = await createUnconfirmed();
    const { outs } = await lifecycle.update(workspaceUuid, state, await checked({ workspaceId: "platform", userIds: [] }));

    expect(outs).toMatchObject({ userIds: [], memberships: [], unconfirmedUserIds: [] });
    expect(emulator.memberIds("platform")).toEqual([]);
    expect(memberRequests()).toEqual([
      { route: LIST, userIds: 0 },
      { route: REMOVE, userIds: 1 },
    ]);
  });

  it("then the user kept: recorded with the real membership, no add sent", async () => {
    const { inputs, state } = await createUnconfirmed();
    const { outs } = await lifecycle.update(workspaceUuid, state, inputs);

    expect(outs.userIds).toEqual(["user_a"]);
    expect(outs.unconfirmedUserIds).toEqual([]);
    expect(outs.memberships).toEqual([truth("user_a")]);
    expect(memberRequests()).toEqual([{ route: LIST, userIds: 0 }]);
  });

  it("then the resource deleted: the unconfirmed user is removed too", async () => {
    const { state } = await createUnconfirmed();
    await lifecycle.remove(workspaceUuid, state);

    expect(emulator.memberIds("platform")).toEqual([]);
    expect(memberRequests()).toEqual([
      { route: LIST, userIds: 0 },
      { route: REMOVE, userIds: 1 },
    ]);
  });

  it("then a refresh: the listing settles the user, and the outputs record the real membership", async () => {
    const { state } = await createUnconfirmed();
    const answer = await lifecycle.read(workspaceUuid, state);

    expect(answer.props).toMatchObject({ userIds: ["user_a"], unconfirmedUserIds: [] });
    expect(answer.props?.memberships).toEqual([truth("user_a")]);
    expect(answer.inputs).toMatchObject({ userIds: { user_a: true } });
  });

  it.each([
    ["went through", true, [LIST, ADD]],
    ["never happened", false, [LIST]],
  ])("a lost removal whose listing fails too leaves the memberships; wanted back, the user is settled (the removal %s)", async (_case, applied, settling) => {
    await configure({ "openrouter:maxAttempts": "1" });
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b"] });
    loseAnswersAndListings(REMOVE, applied);

    const error = (await lifecycle
      .update(workspaceUuid, result.outs, await checked({ workspaceId: "platform", userIds: ["user_a"] }))
      .catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.properties).toMatchObject({ userIds: ["user_a"], unconfirmedUserIds: ["user_b"] });
    expect((error.properties.memberships as { userId: string }[]).map((m) => m.userId)).toEqual(["user_a"]);
    expect(emulator.memberIds("platform")).toEqual(applied ? ["user_a"] : ["user_a", "user_b"]);

    emulator.faults.clear();
    emulator.log.clear();
    const { outs } = await lifecycle.update(workspaceUuid, error.properties, await checked({ workspaceId: "platform", userIds: ["user_a", "user_b"] }));
    expect(outs).toMatchObject({ userIds: ["user_a", "user_b"], unconfirmedUserIds: [] });
    expect(outs.memberships[1]).toEqual(truth("user_b"));
    expect(memberRequests().map((r) => r.route)).toEqual(settling);
  });

  it("a state written before unconfirmedUserIds existed (an empty membership id) is settled the same way", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b"] });
    const old = { ...result.outs, memberships: result.outs.memberships.map((m: { userId: string }) => (m.userId === "user_b" ? { ...m, id: "", role: "", createdAt: "" } : m)) };
    delete (old as Props).unconfirmedUserIds;
    emulator.removeMembers(workspaceUuid, ["user_b"]);
    emulator.log.clear();

    const { outs } = await lifecycle.update(workspaceUuid, old, await checked({ workspaceId: "platform", userIds: ["user_a", "user_b"] }));
    expect(outs.userIds).toEqual(["user_a", "user_b"]);
    expect(outs.memberships.every((m: { id: string }) => m.id !== "")).toBe(true);
    expect(memberRequests().map((r) => r.route)).toEqual([LIST, ADD]);
  });
});

describe("update", () => {
  it("adds only the new users and removes only the dropped ones, with no list call in additive mode", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_c"] });
    emulator.addMembers(workspaceUuid, ["user_h"]);
    emulator.log.clear();
    const news = await checked({ workspaceId: "platform", userIds: ["user_b", "user_c", "user_d"] });

    const { outs } = await lifecycle.update(workspaceUuid, result.outs, news);
    expect(outs.userIds).toEqual(["user_b", "user_c", "user_d"]);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_b", "user_c", "user_d", "user_h"]);
    expect(memberRequests()).toEqual([
      { route: "POST /workspaces/:id/members/add", userIds: 1 },
      { route: "POST /workspaces/:id/members/remove", userIds: 1 },
    ]);
    // Kept users keep the memberships recorded at create.
    expect(outs.memberships.find((m: { userId: string }) => m.userId === "user_b")).toEqual(
      result.outs.memberships.find((m: { userId: string }) => m.userId === "user_b"),
    );
  });

  it("turning exclusive on removes the unmanaged members", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a"] });
    emulator.addMembers(workspaceUuid, ["user_g", "user_h"]);
    const news = await checked({ workspaceId: "platform", userIds: ["user_a"], exclusive: true });

    expect((await lifecycle.diff(workspaceUuid, result.outs, news)).changes).toBe(true);
    const { outs } = await lifecycle.update(workspaceUuid, result.outs, news);
    expect(outs).toMatchObject({ userIds: ["user_a"], exclusive: true });
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a"]);
  });

  it("a protected user dropped from userIds stays in the workspace and leaves the outputs", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b"], protectedUserIds: ["user_b"] });
    const news = await checked({ workspaceId: "platform", userIds: ["user_a"], protectedUserIds: ["user_b"] });
    const { outs } = await lifecycle.update(workspaceUuid, result.outs, news);
    expect(outs.userIds).toEqual(["user_a"]);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_b"]);
    expect((await lifecycle.diff(workspaceUuid, outs, news)).changes).toBe(false);
  });

  it("refuses to remove more than maxRemovals before any request", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_c"] });
    emulator.log.clear();
    const news = await checked({ workspaceId: "platform", userIds: ["user_d"], maxRemovals: 2 });
    await expect(lifecycle.update(workspaceUuid, result.outs, news)).rejects.toThrow("would remove 3 users (user_a, user_b, user_c), more than maxRemovals (2)");
    expect(emulator.log.entries).toEqual([]);
  });

  it("names members whose removal is refused, removes the others, and keeps the refused in state", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_c", "user_scim"] });
    emulator.giveApiKey(workspaceUuid, "user_b");
    const news = await checked({ workspaceId: "platform", userIds: [] });

    const error = (await lifecycle.update(workspaceUuid, result.outs, news).catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.message).toMatch(/refused to remove user_b, user_scim/);
    expect(error.message).toMatch(/delete their keys|identity provider/i);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_b", "user_scim"]);
    expect(error.properties.userIds).toEqual(["user_b", "user_scim"]);
  });
});

describe("read (refresh)", () => {
  it("reports members removed by hand, extra members in exclusive mode and role changes, with map-form inputs", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b"], exclusive: true, protectedUserIds: ["user_g"] });
    emulator.removeMembers(workspaceUuid, ["user_b"]);
    emulator.addMembers(workspaceUuid, ["user_h", "user_g"]);
    emulator.setMemberRole(workspaceUuid, "user_a", "admin");

    const refreshed = await lifecycle.read(workspaceUuid, result.outs);
    expect(refreshed.id).toBe(workspaceUuid);
    expect(refreshed.props).toMatchObject({ userIds: ["user_a", "user_h"], exclusive: true, protectedUserIds: ["user_g"] });
    expect(refreshed.props.memberships.find((m: { userId: string }) => m.userId === "user_a").role).toBe("admin");
    expect(refreshed.inputs).toEqual({
      workspaceId: "platform",
      userIds: { user_a: true, user_h: true },
      exclusive: true,
      protectedUserIds: { user_g: true },
    });
    // The program still wants user_a and user_b: the next preview shows the change.
    const program = await checked({ workspaceId: "platform", userIds: ["user_a", "user_b"], exclusive: true, protectedUserIds: ["user_g"] });
    expect((await lifecycle.diff(workspaceUuid, refreshed.props, program)).changes).toBe(true);
  });

  it("reports no drift when nothing changed, reading every page", async () => {
    const users = Array.from({ length: 230 }, (_, i) => `user_${String(i).padStart(4, "0")}`);
    emulator.addUsers(users);
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: users });
    emulator.log.clear();
    const refreshed = await lifecycle.read(workspaceUuid, result.outs);
    expect(refreshed.props.userIds).toEqual(users);
    expect(emulator.log.entries.filter((e) => e.route === "GET /workspaces/:id/members")).toHaveLength(3);
    const program = await checked({ workspaceId: "platform", userIds: users });
    expect((await lifecycle.diff(workspaceUuid, refreshed.props, program)).changes).toBe(false);
  });

  it("takes the resource out of the state when the workspace is gone", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a"] });
    emulator.deleteWorkspace(workspaceUuid);
    expect(await lifecycle.read(workspaceUuid, result.outs)).toEqual({ id: "" });
  });
});

describe("delete", () => {
  it("removes only the managed users, never protected or unmanaged ones", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_c"], protectedUserIds: ["user_c"] });
    emulator.addMembers(workspaceUuid, ["user_h"]);
    await lifecycle.remove(workspaceUuid, result.outs);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_c", "user_h"]);
  });

  it("counts a member or workspace already gone as done", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b"] });
    emulator.removeMembers(workspaceUuid, ["user_a"]);
    await expect(lifecycle.remove(workspaceUuid, result.outs)).resolves.toBeUndefined();
    expect(emulator.memberIds(workspaceUuid)).toEqual([]);

    const again = await checkAndCreate({ workspaceId: "platform", userIds: ["user_c"] });
    emulator.deleteWorkspace(workspaceUuid);
    await expect(lifecycle.remove(workspaceUuid, again.result.outs)).resolves.toBeUndefined();
  });

  it("removes every removable member and names the refused ones with what to do", async () => {
    await configure({ "openrouter:batchSize": "100" });
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_c", "user_scim"] });
    emulator.giveApiKey(workspaceUuid, "user_a");
    const error = (await lifecycle.remove(workspaceUuid, result.outs).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/refused to remove user_a, user_scim/);
    expect(error.message).toMatch(/still members: user_a, user_scim/);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_scim"]);
  });

  it("refuses to remove more than maxRemovals before any request", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_c"], maxRemovals: 2 });
    emulator.log.clear();
    await expect(lifecycle.remove(workspaceUuid, result.outs)).rejects.toThrow("would remove 3 users (user_a, user_b, user_c), more than maxRemovals (2)");
    expect(emulator.log.entries).toEqual([]);
  });
});

describe("check and diff make no request", () => {
  it("check and diff never call the service, with unknowns giving 'changes unknown'", async () => {
    const { result } = await checkAndCreate({ workspaceId: "platform", userIds: ["user_a"] });
    emulator.log.clear();
    const preview = await lifecycle.check({}, { workspaceId: "platform", userIds: [UNKNOWN, "user_b"] });
    expect(preview.failures ?? []).toEqual([]);
    expect((await lifecycle.diff(workspaceUuid, result.outs, preview.inputs as Props)).changes).toBeUndefined();
    const slug = await checked({ workspaceId: workspaceUuid, userIds: ["user_a"] });
    expect(await lifecycle.diff(workspaceUuid, result.outs, slug)).toMatchObject({ changes: true, replaces: [] });
    const other = await checked({ workspaceId: "other", userIds: ["user_a"] });
    expect((await lifecycle.diff(workspaceUuid, result.outs, other)).replaces).toEqual(["workspaceId"]);
    expect(emulator.log.entries).toEqual([]);
  });

  it("a workspace recorded by UUID may switch to its own slug without replacement", async () => {
    const { result } = await checkAndCreate({ workspaceId: workspaceUuid, userIds: ["user_a"] });
    const bySlug = await checked({ workspaceId: "platform", userIds: ["user_a"] });
    expect(await lifecycle.diff(workspaceUuid, result.outs, bySlug)).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("configuration", () => {
  it("names all three places a key can come from when none is set", async () => {
    await lifecycle.configure(stackConfig({}));
    const saved = { ...process.env };
    delete process.env.OPENROUTER_MANAGEMENT_KEY;
    delete process.env.OPENROUTER_API_KEY;
    try {
      const inputs = await checked({ workspaceId: "platform", userIds: ["user_a"] });
      await expect(lifecycle.create(inputs)).rejects.toThrow(/openrouter:managementKey.*OPENROUTER_MANAGEMENT_KEY.*OPENROUTER_API_KEY/s);
    } finally {
      process.env = saved;
    }
  });
});
