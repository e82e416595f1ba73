import { startEmulator, type Emulator } from "../../provider/testing";
import { members } from "../support/members-program";
import { takeRequests } from "../support/requests";
import {
  Engine,
  ResourceInitError,
  startPluginAgainst,
  type PluginProcess,
  type Registration,
} from "./harness";
import { propertyDiff } from "../support/property-diff";

// Issue 4: a WorkspaceMembers resource through Pulumi's real dynamic-provider plugin, with
// the engine's calls and arguments, against the emulator. The plugin runs in this checkout,
// so the serialized provider finds the package through its self-reference (ARCHITECTURE.md
// "The plugin process").

const USERS = ["user_1", "user_2", "user_3", "user_4", "user_5", "user_by_hand"];

let emulator: Emulator;
let plugin: PluginProcess;

beforeAll(async () => {
  emulator = await startEmulator({ seed: "plugin-test", users: USERS });
  plugin = await startPluginAgainst(emulator, {
    // Small chunks and one request at a time make every chunk visible, in order, in the log.
    "openrouter:batchSize": "2",
    "openrouter:concurrency": "1",
    "project:unrelated": "value",
  });
});

afterAll(async () => {
  await plugin?.stop();
  await emulator?.close();
});



const idMap = (ids: string[]): Record<string, boolean> => Object.fromEntries(ids.map((id) => [id, true]));

describe("WorkspaceMembers through the plugin, step by step", () => {
  let engine: Engine;
  let workspaceUuid: string;
  let program: Registration;

  beforeAll(async () => {
    engine = new Engine(plugin);
    workspaceUuid = emulator.createWorkspace({ slug: "platform" }).id;
    program = await members("platform-team", { workspaceId: "platform", userIds: ["user_3", "user_1", "user_2"] });
    emulator.log.clear();
  });

  it("step 1, create: adds the users in chunks and records outputs and map-form inputs", async () => {
    expect((await engine.up(program)).map((s) => s.op)).toEqual(["create"]);

    expect(emulator.memberIds("platform")).toEqual(["user_1", "user_2", "user_3"]);
    expect(takeRequests(emulator)).toEqual([
      "GET /workspaces/:id",
      "POST /workspaces/:id/members/add x2",
      "POST /workspaces/:id/members/add x1",
    ]);
    const state = engine.state("platform-team");
    expect(state.id).toBe(workspaceUuid);
    expect(state.outputs).toMatchObject({
      workspaceId: "platform",
      workspaceUuid,
      userIds: ["user_1", "user_2", "user_3"],
      exclusive: false,
      protectedUserIds: [],
      __provider: program.inputs.__provider,
    });
    expect((state.outputs.memberships as { userId: string }[]).map((m) => m.userId)).toEqual(["user_1", "user_2", "user_3"]);
    expect(state.inputs).toMatchObject({ userIds: idMap(["user_1", "user_2", "user_3"]) });
  });

  it("step 2, the same program again: no change and no API call", async () => {
    const [plan] = await engine.preview(program);
    expect(plan).toMatchObject({ op: "same", diff: { changes: "none" } });
    expect((await engine.up(program)).map((s) => s.op)).toEqual(["same"]);
    expect(takeRequests(emulator)).toEqual([]);
  });

  it("step 3, refresh without drift: nothing changes, and the next diff stays clean", async () => {
    expect((await engine.refresh()).map((s) => s.op)).toEqual(["same"]);
    expect(takeRequests(emulator)).toEqual(["GET /workspaces/:id/members"]);
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same", diff: { changes: "none" } });
  });

  it("step 4, a member removed by hand: refresh reports it and returns the inputs", async () => {
    emulator.removeMembers("platform", ["user_2"]);
    emulator.addMembers("platform", ["user_by_hand"]);

    expect((await engine.refresh()).map((s) => s.op)).toEqual(["update"]);

    const state = engine.state("platform-team");
    expect(state.outputs).toMatchObject({ userIds: ["user_1", "user_3"], __provider: program.inputs.__provider });
    expect(state.inputs).toEqual({
      workspaceId: "platform",
      userIds: idMap(["user_1", "user_3"]),
      exclusive: false,
      __provider: program.inputs.__provider,
    });
    takeRequests(emulator);
  });

  it("step 5, diff then shows the drift as a change of the unchanged program", async () => {
    const [plan] = await engine.preview(program);
    expect(plan).toMatchObject({ op: "update", diff: { changes: "some", replaces: [] } });
    expect(takeRequests(emulator)).toEqual([]);
  });

  it("step 6, update: adds back only the missing user and leaves others alone", async () => {
    expect((await engine.up(program)).map((s) => s.op)).toEqual(["update"]);

    expect(emulator.memberIds("platform")).toEqual(["user_1", "user_2", "user_3", "user_by_hand"]);
    expect(takeRequests(emulator)).toEqual(["POST /workspaces/:id/members/add x1"]);
    expect(engine.state("platform-team").outputs).toMatchObject({ userIds: ["user_1", "user_2", "user_3"] });
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same" });
  });

  it("step 7, an edited program: adds and removes just the difference", async () => {
    program = await members("platform-team", { workspaceId: "platform", userIds: ["user_1", "user_2", "user_4"] });

    expect((await engine.up(program)).map((s) => s.op)).toEqual(["update"]);

    expect(emulator.memberIds("platform")).toEqual(["user_1", "user_2", "user_4", "user_by_hand"]);
    expect(takeRequests(emulator)).toEqual(["POST /workspaces/:id/members/add x1", "POST /workspaces/:id/members/remove x1"]);
  });

  it("step 8, delete: removes the managed users only", async () => {
    expect((await engine.destroy()).map((s) => s.op)).toEqual(["delete"]);

    expect(emulator.memberIds("platform")).toEqual(["user_by_hand"]);
    expect(takeRequests(emulator)).toEqual(["POST /workspaces/:id/members/remove x2", "POST /workspaces/:id/members/remove x1"]);
    expect(engine.resources).toEqual([]);
  });
});

describe("a create that fails part-way", () => {
  it("reaches the engine as initialization failed, with the partial state and __provider", async () => {
    const engine = new Engine(plugin);
    const workspaceUuid = emulator.createWorkspace({ slug: "partial" }).id;
    const program = await members("partial-team", {
      workspaceId: "partial",
      userIds: ["user_1", "user_2", "user_3", "user_4", "user_5"],
    });
    // The first chunk goes through; the second is refused; the third is never sent.
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", skip: 1, status: 400, message: "scripted refusal" });
    emulator.log.clear();

    const failure = await engine.up(program).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ResourceInitError);
    const init = failure as ResourceInitError;
    expect(init.method).toBe("create");
    expect(init.message).toMatch(/did not finish.*scripted refusal/);
    // The CLI prints an initialization failure's reasons, not its message (issue 12).
    expect(init.reasons).toEqual([init.message]);
    expect(init.id).toBe(workspaceUuid);
    expect(init.properties).toMatchObject({
      workspaceUuid,
      userIds: ["user_1", "user_2"],
      __provider: program.inputs.__provider,
    });
    expect(emulator.memberIds("partial")).toEqual(["user_1", "user_2"]);
    expect(takeRequests(emulator)).toEqual([
      "GET /workspaces/:id",
      "POST /workspaces/:id/members/add x2",
      "POST /workspaces/:id/members/add x2",
      // A 400 on add may be users outside the organization: the directory shows none here.
      "GET /organization/members",
    ]);
    // The engine stores the partial properties as the state, exactly as given.
    expect(engine.state("partial-team")).toMatchObject({ id: workspaceUuid, outputs: init.properties });

    // The rerun converges: the engine retries the update, and the provider adds the rest.
    expect((await engine.up(program)).map((s) => s.op)).toEqual(["update"]);
    expect(emulator.memberIds("partial")).toEqual(["user_1", "user_2", "user_3", "user_4", "user_5"]);
    expect(takeRequests(emulator)).toEqual(["POST /workspaces/:id/members/add x2", "POST /workspaces/:id/members/add x1"]);

    await engine.destroy();
    expect(emulator.memberIds("partial")).toEqual([]);
  });
});

describe("guards through the plugin (issue 8)", () => {
  it("a protected user survives exclusive reconciliation and destroy, and refresh calls it no drift", async () => {
    const engine = new Engine(plugin);
    emulator.createWorkspace({ slug: "guarded" });
    emulator.addMembers("guarded", ["user_4", "user_5"]);
    const program = await members("guarded-team", {
      workspaceId: "guarded",
      userIds: ["user_1"],
      exclusive: true,
      protectedUserIds: ["user_5"],
    });

    await engine.up(program);
    expect(emulator.memberIds("guarded")).toEqual(["user_1", "user_5"]);
    expect((await engine.refresh()).map((s) => s.op)).toEqual(["same"]);
    expect((await engine.preview(program))[0]?.diff?.changes).toBe("none");

    await engine.destroy();
    expect(emulator.memberIds("guarded")).toEqual(["user_5"]);
  });

  it("maxRemovals stops an update and a destroy before any request that changes anything", async () => {
    const engine = new Engine(plugin);
    emulator.createWorkspace({ slug: "limited" });
    const all = ["user_1", "user_2", "user_3"];
    await engine.up(await members("limited-team", { workspaceId: "limited", userIds: all, maxRemovals: 1 }));
    emulator.log.clear();

    const shrink = await members("limited-team", { workspaceId: "limited", userIds: ["user_1"], maxRemovals: 1 });
    // The recorded inputs name whom the update would remove, so the preview (check) already fails.
    await expect(engine.preview(shrink)).rejects.toThrow('maxRemovals: this change to workspace "limited" would remove 2 users (user_2, user_3), more than maxRemovals (1)');
    await expect(engine.destroy()).rejects.toThrow("would remove 3 users (user_1, user_2, user_3), more than maxRemovals (1)");
    expect(takeRequests(emulator)).toEqual([]);
    expect(emulator.memberIds("limited")).toEqual(all);

    // Raising the limit deliberately lets the destroy through.
    await engine.up(await members("limited-team", { workspaceId: "limited", userIds: all, maxRemovals: 3 }));
    await engine.destroy();
    expect(emulator.memberIds("limited")).toEqual([]);
  });
});

describe("unconfirmed changes through the plugin (issue #13)", () => {
  const ADD = "POST /workspaces/:id/members/add";
  const REMOVE = "POST /workspaces/:id/members/remove";
  const LIST = "GET /workspaces/:id/members";
  // A plugin of its own: one attempt per request, so a lost answer is not retried away.
  let strict: PluginProcess;
  beforeAll(async () => {
    strict = await startPluginAgainst(emulator, { "openrouter:maxAttempts": "1" });
  });
  afterAll(async () => {
    await strict?.stop();
  });

  /** Every answer of `route` lost after the change is made, and every listing refused. */
  function loseAnswersAndListings(route: typeof ADD | typeof REMOVE): void {
    emulator.faults.add({ route, drop: true, applyFirst: true, times: Infinity }, { route: LIST, status: 503, times: Infinity });
  }

  /** Creates `name` on a new workspace with user_1, whose add is lost and cannot be settled. */
  async function unconfirmedCreate(slug: string): Promise<{ engine: Engine; program: Registration }> {
    emulator.createWorkspace({ slug });
    const engine = new Engine(strict);
    const program = await members(slug, { workspaceId: slug, userIds: ["user_1"] });
    loseAnswersAndListings(ADD);
    const failure = await engine.up(program).catch((error: unknown) => error);
    emulator.faults.clear();

    expect(failure).toBeInstanceOf(ResourceInitError);
    expect((failure as Error).message).toMatch(/could not confirm what happened to user_1/);
    expect(engine.state(slug).outputs).toMatchObject({ userIds: [], memberships: [], unconfirmedUserIds: ["user_1"] });
    expect(emulator.memberIds(slug)).toEqual(["user_1"]);
    // The program is unchanged, yet the diff asks for an update to settle user_1.
    const [plan] = await engine.preview(program);
    expect(plan?.diff?.changes).toBe("some");
    takeRequests(emulator);
    return { engine, program };
  }

  it("a lost add, then the user dropped: the next up settles it with one listing and removes it", async () => {
    const { engine } = await unconfirmedCreate("unsure-dropped");
    await engine.up(await members("unsure-dropped", { workspaceId: "unsure-dropped", userIds: [] }));
    expect(takeRequests(emulator)).toEqual([LIST, `${REMOVE} x1`]);
    expect(emulator.memberIds("unsure-dropped")).toEqual([]);
    expect(engine.state("unsure-dropped").outputs).toMatchObject({ userIds: [], unconfirmedUserIds: [] });
  });

  it("a lost add, then the user kept: the next up records the real membership without an add", async () => {
    const { engine, program } = await unconfirmedCreate("unsure-kept");
    await engine.up(program);
    expect(takeRequests(emulator)).toEqual([LIST]);
    const outputs = engine.state("unsure-kept").outputs;
    expect(outputs).toMatchObject({ userIds: ["user_1"], unconfirmedUserIds: [] });
    expect((outputs.memberships as { id: string }[])[0]?.id).toBe(emulator.member("unsure-kept", "user_1")?.id);
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same" });
  });

  it("a lost add, then destroy: the unconfirmed user is removed too", async () => {
    const { engine } = await unconfirmedCreate("unsure-destroyed");
    await engine.destroy();
    expect(takeRequests(emulator)).toEqual([LIST, `${REMOVE} x1`]);
    expect(emulator.memberIds("unsure-destroyed")).toEqual([]);
  });

  it("a lost removal, then the user wanted back: the next up finds it gone and adds it", async () => {
    emulator.createWorkspace({ slug: "unsure-back" });
    const engine = new Engine(strict);
    const both = await members("unsure-back", { workspaceId: "unsure-back", userIds: ["user_1", "user_2"] });
    await engine.up(both);
    loseAnswersAndListings(REMOVE);
    const failure = await engine.up(await members("unsure-back", { workspaceId: "unsure-back", userIds: ["user_1"] })).catch((e: unknown) => e);
    emulator.faults.clear();
    expect(failure).toBeInstanceOf(ResourceInitError);
    const outputs = engine.state("unsure-back").outputs;
    expect(outputs).toMatchObject({ userIds: ["user_1"], unconfirmedUserIds: ["user_2"] });
    expect((outputs.memberships as { userId: string }[]).map((m) => m.userId)).toEqual(["user_1"]);
    takeRequests(emulator);

    await engine.up(both);
    expect(takeRequests(emulator)).toEqual([LIST, `${ADD} x1`]);
    expect(emulator.memberIds("unsure-back")).toEqual(["user_1", "user_2"]);
    expect(engine.state("unsure-back").outputs).toMatchObject({ userIds: ["user_1", "user_2"], unconfirmedUserIds: [] });
  });
});

describe("refresh, then the next preview (README \"Refresh and drift\")", () => {
  it("names each drifted user as `pulumi preview --diff` shows them: + to add back, - to remove", async () => {
    // The display compares the recorded inputs with the program's checked ones, so the
    // names show only because the plugin hands read's inputs back to the engine
    // (@pulumi/pulumi 3.216.0 and later): below that, refresh would leave the recorded
    // inputs as they were, and this preview would plan an update that names no one.
    const engine = new Engine(plugin);
    emulator.createWorkspace({ slug: "drifting" });
    const program = await members("drifting-team", { workspaceId: "drifting", userIds: ["user_1", "user_2"], exclusive: true });
    await engine.up(program);
    emulator.removeMembers("drifting", ["user_2"]);
    emulator.addMembers("drifting", ["user_by_hand"]);

    expect((await engine.refresh()).map((s) => s.op)).toEqual(["update"]);
    const recorded = engine.state("drifting-team").inputs;
    const [plan] = await engine.preview(program);

    expect(plan).toMatchObject({ op: "update", diff: { changes: "some", replaces: [] } });
    expect(propertyDiff(recorded, plan!.inputs!)).toEqual([
      { path: "userIds.user_2", kind: "add" },
      { path: "userIds.user_by_hand", kind: "delete" },
    ]);

    // The repair the preview announced is what up does.
    await engine.up(program);
    expect(emulator.memberIds("drifting")).toEqual(["user_1", "user_2"]);
    await engine.destroy();
  });
});

describe("the plugin process", () => {
  it("never prints the management key", () => {
    expect(plugin.stdout + plugin.stderr).not.toContain(emulator.managementKey);
  });
});
