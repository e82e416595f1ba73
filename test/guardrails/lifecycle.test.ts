/**
 * The GuardrailMembers lifecycle against the emulator over real loopback HTTP, called as the
 * plugin calls it: the set-membership semantics of WorkspaceMembers on a guardrail's direct
 * members, the refusals of guardrails that take no assignments (before any change), the
 * chunking, the truth after a failure part-way, and the move rule seen as drift.
 * test/engine/guardrails-plugin.test.ts covers the same path through Pulumi's real plugin.
 */
import * as lifecycle from "../../provider/guardrails/lifecycle";
import {
  ChangeFailedError,
  GuardrailRefusedError,
  OpenRouterNotFoundError,
  PartialFailureError,
  RemovalLimitError,
} from "../../provider/core/errors";
import { UNKNOWN } from "../../provider/core/unknowns";
import { startEmulator, type Emulator } from "../../provider/testing";
import { takeRequests } from "../support/requests";
import { emulatorStackConfig } from "../support/stack-config";

type Props = Record<string, unknown>;

const GET_GUARDRAIL = "GET /guardrails/:id";
const GET_WORKSPACE = "GET /workspaces/:id";
const ASSIGN = "POST /guardrails/:id/assignments/members";
const UNASSIGN = "POST /guardrails/:id/assignments/members/remove";
const LIST = "GET /guardrails/:id/assignments/members";
const CHANGES = new Set([ASSIGN, UNASSIGN, "POST /workspaces/:id/members/add", "POST /workspaces/:id/members/remove"]);

const ORG = ["user_a", "user_b", "user_c", "user_d", "user_e", "user_outside"];
let emulator: Emulator;
let workspaceUuid: string;
let guardrailId: string;

async function configure(extra: Record<string, string> = {}): Promise<void> {
  await lifecycle.configure(emulatorStackConfig(emulator, extra));
}

async function checked(news: Props): Promise<Props> {
  const result = await lifecycle.check({}, { guardrailId, ...news, __provider: "serialized-provider" });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Props;
}

async function create(news: Props): Promise<Props> {
  const result = await lifecycle.create(await checked(news));
  expect(result.id).toBe(news.guardrailId ?? guardrailId);
  return result.outs as Props;
}

async function update(olds: Props, news: Props): Promise<Props> {
  return (await lifecycle.update(guardrailId, olds, await checked(news))).outs as Props;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

function changeRequests(): number {
  return emulator.log.entries.filter((e) => e.route !== undefined && CHANGES.has(e.route)).length;
}

beforeEach(async () => {
  emulator = await startEmulator({ seed: "guardrails", users: ORG });
  workspaceUuid = emulator.createWorkspace({ slug: "platform" }).id;
  emulator.addMembers(workspaceUuid, ["user_a", "user_b", "user_c", "user_d", "user_e"]);
  guardrailId = emulator.createGuardrail({ workspaceId: workspaceUuid, name: "Strict" }).id;
  await configure();
  emulator.log.clear();
});

afterEach(async () => {
  await emulator.close();
});

describe("create", () => {
  it("resolves the guardrail, assigns in chunks and records the assignments one listing confirms", async () => {
    await configure({ "openrouter:batchSize": "2" });
    const outs = await create({ userIds: ["user_c", "user_a", "user_b"] });

    expect(outs).toMatchObject({ guardrailId, workspaceId: workspaceUuid, userIds: ["user_a", "user_b", "user_c"], unconfirmedUserIds: [] });
    expect(outs.assignments).toEqual(
      ["user_a", "user_b", "user_c"].map((userId) => ({
        id: expect.any(String),
        userId,
        guardrailId,
        assignedBy: null,
        createdAt: expect.any(String),
      })),
    );
    expect(emulator.guardrailMemberIds(guardrailId)).toEqual(["user_a", "user_b", "user_c"]);
    expect(takeRequests(emulator)).toEqual([GET_GUARDRAIL, GET_WORKSPACE, `${ASSIGN} x2`, `${ASSIGN} x1`, LIST]);
  });

  it("adopts users already assigned, and never touches anyone else in additive mode", async () => {
    emulator.assignGuardrailMembers(guardrailId, ["user_a", "user_d"]);
    const outs = await create({ userIds: ["user_a", "user_b"] });
    expect(outs.userIds).toEqual(["user_a", "user_b"]);
    expect(emulator.guardrailMemberIds(guardrailId)).toEqual(["user_a", "user_b", "user_d"]);
  });

  it("in exclusive mode unassigns everyone else but protected users", async () => {
    emulator.assignGuardrailMembers(guardrailId, ["user_c", "user_d", "user_e"]);
    const outs = await create({ userIds: ["user_a"], exclusive: true, protectedUserIds: ["user_e"] });
    expect(emulator.guardrailMemberIds(guardrailId)).toEqual(["user_a", "user_e"]);
    expect(outs.userIds).toEqual(["user_a"]);
    expect(takeRequests(emulator)).toEqual([GET_GUARDRAIL, GET_WORKSPACE, LIST, `${ASSIGN} x1`, `${UNASSIGN} x2`, LIST]);
  });

  it.each([
    ["a workspace's default guardrail", "default" as const, () => emulator.workspace(workspaceUuid)?.default_guardrail_id as string, /default guardrail of workspace "platform".*create another guardrail in that workspace/],
    ["a guardrail with no workspace", "no-workspace" as const, () => emulator.createGuardrail({ workspaceId: null }).id, /belongs to no workspace.*Create a guardrail in the members' workspace/],
  ])("refuses %s before any change, saying what to do instead", async (_name, why, id, words) => {
    const target = id();
    const error = await failure(lifecycle.create(await checked({ guardrailId: target, userIds: ["user_a"] })));
    expect(error).toBeInstanceOf(GuardrailRefusedError);
    expect(error).toMatchObject({ guardrailId: target, why });
    expect(error.message).toMatch(words);
    expect(error.message).toMatch(/Nothing was changed/);
    expect(changeRequests()).toBe(0);
    expect(emulator.guardrailMemberIds(target)).toEqual([]);
  });

  it("a guardrail that does not exist is a not-found error naming guardrailId, before any change", async () => {
    const error = await failure(lifecycle.create(await checked({ guardrailId: "0b7f4c1e-2d3a-4f5b-8c6d-7e8f9a0b1c2d", userIds: ["user_a"] })));
    expect(error).toBeInstanceOf(OpenRouterNotFoundError);
    expect(error.message).toMatch(/Guardrail "0b7f4c1e-2d3a-4f5b-8c6d-7e8f9a0b1c2d" was not found; nothing was changed. Check guardrailId/);
    expect(changeRequests()).toBe(0);
  });

  it("sends at most 100 ids a request, concurrently, for more than 100 users", async () => {
    const many = Array.from({ length: 250 }, (_, i) => `user_m${String(i).padStart(3, "0")}`);
    emulator.addUsers(many);
    emulator.addMembers(workspaceUuid, many);
    emulator.log.clear();
    const outs = await create({ userIds: many });
    expect(outs.userIds).toEqual(many);
    expect(emulator.guardrailMemberIds(guardrailId)).toEqual(many);
    const assigns = emulator.log.entries.filter((e) => e.route === ASSIGN).map((e) => e.userIdsCount);
    expect(assigns.sort()).toEqual([100, 100, 50]);
    // The one confirming listing: three pages of 100.
    expect(emulator.log.entries.filter((e) => e.route === LIST)).toHaveLength(3);
  });

  it("a user outside the guardrail's workspace is named, and everyone else is still assigned", async () => {
    const error = await failure(lifecycle.create(await checked({ userIds: ["user_a", "user_outside", "user_b"] })));
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.message).toMatch(/user_outside is not a member of the guardrail's workspace/);
    expect(error.message).toMatch(/Add them to the guardrail's workspace first/);
    expect((error as PartialFailureError).retryable).toBe(false);
    expect((error as PartialFailureError).properties).toMatchObject({ userIds: ["user_a", "user_b"], __provider: "serialized-provider" });
    expect(emulator.guardrailMemberIds(guardrailId)).toEqual(["user_a", "user_b"]);
  });
});

describe("update", () => {
  it("assigns only the new users and unassigns only the dropped ones", async () => {
    const olds = await create({ userIds: ["user_a", "user_b"] });
    emulator.log.clear();
    const outs = await update(olds, { userIds: ["user_b", "user_c"] });
    expect(outs.userIds).toEqual(["user_b", "user_c"]);
    expect(emulator.guardrailMemberIds(guardrailId)).toEqual(["user_b", "user_c"]);
    expect(takeRequests(emulator).sort()).toEqual([`${ASSIGN} x1`, LIST, `${UNASSIGN} x1`].sort());
  });

  it("a removal alone needs no listing", async () => {
    const olds = await create({ userIds: ["user_a", "user_b"] });
    emulator.log.clear();
    expect((await update(olds, { userIds: ["user_b"] })).userIds).toEqual(["user_b"]);
    expect(takeRequests(emulator)).toEqual([`${UNASSIGN} x1`]);
  });

  it("maxRemovals refuses at check (preview) and at update, before any change", async () => {
    const olds = await create({ userIds: ["user_a", "user_b", "user_c"] });
    emulator.log.clear();
    const preview = await lifecycle.check(olds, { guardrailId, userIds: ["user_a"], maxRemovals: 1 });
    expect(preview.failures).toEqual([{ property: "maxRemovals", reason: expect.stringMatching(/guardrail .* would remove 2 users \(user_b, user_c\), more than maxRemovals \(1\)/) }]);
    const error = await failure(lifecycle.update(guardrailId, olds, { ...(await lifecycle.check({}, { guardrailId, userIds: ["user_a"], maxRemovals: 1 })).inputs }));
    expect(error).toBeInstanceOf(RemovalLimitError);
    expect(error).toMatchObject({ removeCount: 2, maxRemovals: 1, userIds: ["user_b", "user_c"] });
    expect(changeRequests()).toBe(0);
  });

  it("a failure part-way records exactly what went through, and a rerun converges", async () => {
    await configure({ "openrouter:batchSize": "1", "openrouter:concurrency": "1", "openrouter:maxAttempts": "1" });
    const olds = await create({ userIds: ["user_a"] });
    emulator.faults.add({ route: ASSIGN, status: 503, skip: 1, times: Infinity });
    const error = await failure(update(olds, { userIds: ["user_a", "user_b", "user_c"] }));
    expect(error).toBeInstanceOf(PartialFailureError);
    const partial = error as PartialFailureError;
    expect(partial.retryable).toBe(true);
    expect(partial.properties.userIds).toEqual(emulator.guardrailMemberIds(guardrailId));
    expect(partial.properties.userIds).toEqual(["user_a", "user_b"]);
    emulator.faults.clear();
    const outs = await update(partial.properties, { userIds: ["user_a", "user_b", "user_c"] });
    expect(outs.userIds).toEqual(["user_a", "user_b", "user_c"]);
  });

  it("an assign whose answer and confirming listing are both lost is unconfirmed, and the next update settles it", async () => {
    await configure({ "openrouter:maxAttempts": "1" });
    const olds = await create({ userIds: ["user_a"] });
    emulator.faults.add({ route: ASSIGN, applyFirst: true, drop: true, times: 1 }, { route: LIST, status: 503, times: Infinity });
    const error = (await failure(update(olds, { userIds: ["user_a", "user_b"] }))) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.unconfirmed).toEqual(["user_b"]);
    expect(error.properties).toMatchObject({ userIds: ["user_a"], unconfirmedUserIds: ["user_b"] });
    expect((await lifecycle.diff(guardrailId, error.properties, await checked({ userIds: ["user_a", "user_b"] }))).changes).toBe(true);

    emulator.faults.clear();
    emulator.log.clear();
    const outs = await update(error.properties, { userIds: ["user_a", "user_b"] });
    expect(outs).toMatchObject({ userIds: ["user_a", "user_b"], unconfirmedUserIds: [] });
    // Settled by the listing: the assign had applied, so none is sent again.
    expect(takeRequests(emulator)).toEqual([LIST]);
  });
});

describe("assigns confirmed by listing", () => {
  it("an assign answered (with a count only) whose listing fails is unconfirmed, never recorded; a refresh settles it", async () => {
    await configure({ "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: LIST, status: 503, times: Infinity });
    const error = (await failure(lifecycle.create(await checked({ userIds: ["user_a"] })))) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.message).toMatch(/could not confirm what happened to user_a/);
    expect(error.properties).toMatchObject({ userIds: [], assignments: [], unconfirmedUserIds: ["user_a"] });
    expect(emulator.guardrailMemberIds(guardrailId)).toEqual(["user_a"]);

    emulator.faults.clear();
    const refreshed = await lifecycle.read(guardrailId, error.properties);
    expect(refreshed.props).toMatchObject({ userIds: ["user_a"], unconfirmedUserIds: [] });
  });

  it("an unassign of a member the service already moved away counts short, and the listing confirms it gone", async () => {
    const other = emulator.createGuardrail({ workspaceId: workspaceUuid }).id;
    const olds = await create({ userIds: ["user_a", "user_b"] });
    emulator.assignGuardrailMembers(other, ["user_a"]);
    emulator.log.clear();
    const outs = await update(olds, { userIds: ["user_b"] });
    expect(outs).toMatchObject({ userIds: ["user_b"], unconfirmedUserIds: [] });
    expect(takeRequests(emulator)).toEqual([`${UNASSIGN} x1`, LIST]);
    expect(emulator.memberGuardrailId(workspaceUuid, "user_a")).toBe(other);
  });
});

describe("refresh", () => {
  it("shows a member moved to another guardrail of the workspace as gone (the move rule)", async () => {
    const other = emulator.createGuardrail({ workspaceId: workspaceUuid, name: "Lenient" }).id;
    const a = await create({ userIds: ["user_a", "user_b"] });
    const b = (await lifecycle.create(await checked({ guardrailId: other, userIds: ["user_a"] }))).outs as Props;
    expect(b.userIds).toEqual(["user_a"]);
    expect(emulator.memberGuardrailId(workspaceUuid, "user_a")).toBe(other);

    const refreshed = await lifecycle.read(guardrailId, a);
    expect(refreshed.id).toBe(guardrailId);
    expect(refreshed.props).toMatchObject({ userIds: ["user_b"] });
    expect(refreshed.inputs).toMatchObject({ guardrailId, userIds: { user_b: true } });
    // The next preview shows the drift: the program still wants user_a here.
    expect((await lifecycle.diff(guardrailId, refreshed.props as Props, await checked({ userIds: ["user_a", "user_b"] }))).changes).toBe(true);
  });

  it("in exclusive mode reports others assigned by hand; a guardrail gone leaves the state", async () => {
    const outs = await create({ userIds: ["user_a"], exclusive: true });
    emulator.assignGuardrailMembers(guardrailId, ["user_c"]);
    expect((await lifecycle.read(guardrailId, outs)).props).toMatchObject({ userIds: ["user_a", "user_c"] });
    emulator.deleteGuardrail(guardrailId);
    expect(await lifecycle.read(guardrailId, outs)).toEqual({ id: "" });
  });
});

describe("delete", () => {
  it("unassigns the managed users but protected ones, and leaves everyone else", async () => {
    emulator.assignGuardrailMembers(guardrailId, ["user_e"]);
    const outs = await create({ userIds: ["user_a", "user_b", "user_c"], protectedUserIds: ["user_c"] });
    await lifecycle.remove(guardrailId, outs);
    expect(emulator.guardrailMemberIds(guardrailId)).toEqual(["user_c", "user_e"]);
  });

  it("is done when the guardrail is gone, and refuses over maxRemovals", async () => {
    const outs = await create({ userIds: ["user_a", "user_b"], maxRemovals: 1 });
    const error = await failure(lifecycle.remove(guardrailId, outs));
    expect(error).toBeInstanceOf(RemovalLimitError);
    expect(emulator.guardrailMemberIds(guardrailId)).toEqual(["user_a", "user_b"]);
    emulator.deleteGuardrail(guardrailId);
    await lifecycle.remove(guardrailId, { ...outs, maxRemovals: 5 });
  });

  it("a refused unassign is a ChangeFailedError saying what is left", async () => {
    await configure({ "openrouter:maxAttempts": "1" });
    const outs = await create({ userIds: ["user_a"] });
    emulator.faults.add({ route: UNASSIGN, status: 403, times: 1 });
    const error = await failure(lifecycle.remove(guardrailId, outs));
    expect(error).toBeInstanceOf(ChangeFailedError);
    expect(error.message).toMatch(/Deleting the members of guardrail .* still members: user_a/);
  });
});

describe("check and diff", () => {
  it("names the field and the value of a bad guardrailId, and a misspelt input", async () => {
    const result = await lifecycle.check({}, { guardrailId: "strict", userIds: [], exclusiv: true });
    expect(result.failures).toEqual(
      expect.arrayContaining([
        { property: "guardrailId", reason: expect.stringMatching(/^guardrailId "strict" is not a guardrail UUID/) },
        { property: "exclusiv", reason: expect.stringMatching(/did you mean "exclusive"/) },
      ]),
    );
    expect((await lifecycle.check({}, { userIds: [] })).failures).toEqual([{ property: "guardrailId", reason: "guardrailId is required: the guardrail's UUID" }]);
  });

  it("another guardrail replaces (deleting first); the same UUID in other letters is an update", async () => {
    const olds = await create({ userIds: ["user_a"] });
    const other = "0b7f4c1e-2d3a-4f5b-8c6d-7e8f9a0b1c2d";
    expect(await lifecycle.diff(guardrailId, olds, await checked({ guardrailId: other, userIds: ["user_a"] }))).toEqual({
      changes: true,
      replaces: ["guardrailId"],
      deleteBeforeReplace: true,
    });
    expect(await lifecycle.diff(guardrailId, olds, await checked({ guardrailId: guardrailId.toUpperCase(), userIds: ["user_a"] }))).toEqual({ changes: true, replaces: [] });
    expect(await lifecycle.diff(guardrailId, olds, await checked({ userIds: ["user_a"] }))).toEqual({ changes: false, replaces: [] });
    expect((await lifecycle.diff(guardrailId, olds, { guardrailId: UNKNOWN, userIds: {} })).replaces).toEqual(["guardrailId"]);
  });
});
