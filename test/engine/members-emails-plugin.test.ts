import { startEmulator, type Emulator } from "../../provider/testing";
import { members } from "../support/members-program";
import { takeRequests } from "../support/requests";
import { propertyDiff } from "../support/property-diff";
import {
  Engine,
  PluginCallError,
  ResourceInitError,
  startPluginAgainst,
  type PluginProcess,
  type Registration,
} from "./harness";

// Issue 15: WorkspaceMembers naming people by email, through Pulumi's real dynamic-provider
// plugin with the engine's calls and arguments, against the emulator: what
// `pulumi preview --diff` shows, what each step costs, and that exclusive mode, the guards,
// partial failure and unconfirmed changes hold for people named by email as for ids.

const USERS = [
  { id: "user_alice", email: "alice@example.com" },
  { id: "user_bob", email: "bob@example.com" },
  { id: "user_carol", email: "carol@example.com" },
  { id: "user_dave", email: "dave@example.com" },
  { id: "user_erin", email: "erin@example.com" },
  { id: "user_by_hand", email: "by.hand@example.com" },
];
const DIRECTORY = "GET /organization/members";
const ADD = "POST /workspaces/:id/members/add";
const REMOVE = "POST /workspaces/:id/members/remove";
const LIST = "GET /workspaces/:id/members";

let emulator: Emulator;
let plugin: PluginProcess;

beforeAll(async () => {
  emulator = await startEmulator({ seed: "emails-plugin", users: USERS });
  plugin = await startPluginAgainst(emulator, { "openrouter:concurrency": "1" });
});

afterAll(async () => {
  await plugin?.stop();
  await emulator?.close();
});



describe("people named by email, step by step", () => {
  let engine: Engine;
  let program: Registration;

  beforeAll(async () => {
    engine = new Engine(plugin);
    emulator.createWorkspace({ slug: "platform" });
    program = await members("platform-team", { workspaceId: "platform", userIds: ["user_alice"], emails: ["Bob@Example.com", "carol@example.com"] });
    emulator.log.clear();
  });

  it("step 1, create: one directory listing resolves the emails; the checked inputs key them lower-cased", async () => {
    const [plan] = await engine.preview(program);
    expect(plan?.inputs).toMatchObject({ userIds: { user_alice: true }, emails: { "bob@example.com": true, "carol@example.com": true } });
    expect(takeRequests(emulator)).toEqual([]);

    expect((await engine.up(program)).map((s) => s.op)).toEqual(["create"]);
    expect(emulator.memberIds("platform")).toEqual(["user_alice", "user_bob", "user_carol"]);
    expect(takeRequests(emulator).sort()).toEqual([DIRECTORY, "GET /workspaces/:id", `${ADD} x3`]);
    expect(engine.state("platform-team").outputs).toMatchObject({
      userIds: ["user_alice", "user_bob", "user_carol"],
      emails: ["bob@example.com", "carol@example.com"],
      emailUserIds: { "bob@example.com": "user_bob", "carol@example.com": "user_carol" },
      __provider: program.inputs.__provider,
    });
  });

  it("step 2, the same program again, its emails in another case and order: no change, no call", async () => {
    const same = await members("platform-team", { workspaceId: "platform", userIds: ["user_alice"], emails: ["carol@example.com", "BOB@example.com"] });
    expect((await engine.preview(same))[0]).toMatchObject({ op: "same", diff: { changes: "none" } });
    expect(takeRequests(emulator)).toEqual([]);
  });

  it("step 3, an edited program: preview --diff names the emails added and removed, and up changes just those users", async () => {
    program = await members("platform-team", { workspaceId: "platform", userIds: ["user_alice"], emails: ["carol@example.com", "dave@example.com"] });
    const [plan] = await engine.preview(program);
    expect(plan).toMatchObject({ op: "update", diff: { changes: "some" } });
    expect(propertyDiff(engine.state("platform-team").inputs, plan!.inputs!)).toEqual([
      { path: "emails.bob@example.com", kind: "delete" },
      { path: "emails.dave@example.com", kind: "add" },
    ]);
    expect(takeRequests(emulator)).toEqual([]);

    await engine.up(program);
    expect(emulator.memberIds("platform")).toEqual(["user_alice", "user_carol", "user_dave"]);
    expect(takeRequests(emulator)).toEqual([DIRECTORY, `${ADD} x1`, `${REMOVE} x1`]);
  });

  it("step 4, refresh after a member named by email was removed by hand: the drift shows as that email", async () => {
    emulator.removeMembers("platform", ["user_dave"]);
    emulator.addMembers("platform", ["user_by_hand"]);

    expect((await engine.refresh()).map((s) => s.op)).toEqual(["update"]);
    expect(takeRequests(emulator).sort()).toEqual([DIRECTORY, LIST]);
    const state = engine.state("platform-team");
    expect(state.outputs).toMatchObject({ userIds: ["user_alice", "user_carol"], emails: ["carol@example.com"] });
    expect(state.inputs).toEqual({
      workspaceId: "platform",
      userIds: { user_alice: true },
      emails: { "carol@example.com": true },
      exclusive: false,
      __provider: program.inputs.__provider,
    });

    const [plan] = await engine.preview(program);
    expect(plan).toMatchObject({ op: "update", diff: { changes: "some" } });
    expect(propertyDiff(state.inputs, plan!.inputs!)).toEqual([{ path: "emails.dave@example.com", kind: "add" }]);
  });

  it("step 5, up repairs it, and a refresh then finds no drift", async () => {
    await engine.up(program);
    expect(emulator.memberIds("platform")).toEqual(["user_alice", "user_by_hand", "user_carol", "user_dave"]);
    expect(takeRequests(emulator)).toEqual([DIRECTORY, `${ADD} x1`]);
    expect((await engine.refresh()).map((s) => s.op)).toEqual(["same"]);
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same" });
    takeRequests(emulator);
  });

  it("step 6, destroy: removes the managed users with no directory listing", async () => {
    await engine.destroy();
    expect(emulator.memberIds("platform")).toEqual(["user_by_hand"]);
    expect(takeRequests(emulator)).toEqual([`${REMOVE} x3`]);
  });
});

describe("an unknown email through the plugin", () => {
  it("fails the create before any change, naming it and the nearest email; nothing enters the state", async () => {
    const engine = new Engine(plugin);
    emulator.createWorkspace({ slug: "typo" });
    const program = await members("typo-team", { workspaceId: "typo", userIds: ["user_alice"], emails: ["carol@exmaple.com"] });
    emulator.log.clear();

    const failure = await engine.up(program).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PluginCallError);
    expect((failure as Error).message).toContain(
      '"carol@exmaple.com" is no member of the organization (did you mean "carol@example.com"?). Nothing was changed.',
    );
    expect(takeRequests(emulator).sort()).toEqual([DIRECTORY, "GET /workspaces/:id"]);
    expect(emulator.memberIds("typo")).toEqual([]);
    expect(engine.resources).toEqual([]);
  });
});

describe("exclusive mode and the guards, with people named by email", () => {
  it("removes whoever is named neither way, spares the protected, and maxRemovals counts users of dropped emails", async () => {
    const engine = new Engine(plugin);
    emulator.createWorkspace({ slug: "guarded" });
    emulator.addMembers("guarded", ["user_by_hand", "user_erin"]);
    const args = { workspaceId: "guarded", exclusive: true, protectedUserIds: ["user_erin"], maxRemovals: 1 };

    await engine.up(await members("guarded-team", { ...args, userIds: ["user_alice"], emails: ["bob@example.com", "carol@example.com"] }));
    expect(emulator.memberIds("guarded")).toEqual(["user_alice", "user_bob", "user_carol", "user_erin"]);
    expect((await engine.refresh()).map((s) => s.op)).toEqual(["same"]);

    emulator.log.clear();
    const shrink = await members("guarded-team", { ...args, userIds: ["user_alice"], emails: [] });
    await expect(engine.up(shrink)).rejects.toThrow(/would remove 2 users \(user_bob, user_carol\), more than maxRemovals \(1\)/);
    expect(takeRequests(emulator).filter((r) => r.startsWith("POST"))).toEqual([]);

    await engine.up(await members("guarded-team", { ...args, userIds: ["user_alice"], emails: ["carol@example.com"] }));
    expect(emulator.memberIds("guarded")).toEqual(["user_alice", "user_carol", "user_erin"]);
    await expect(engine.destroy()).rejects.toThrow(/would remove 2 users \(user_alice, user_carol\), more than maxRemovals \(1\)/);
    await engine.up(await members("guarded-team", { ...args, maxRemovals: 2, userIds: ["user_alice"], emails: ["carol@example.com"] }));
    await engine.destroy();
    expect(emulator.memberIds("guarded")).toEqual(["user_erin"]);
  });
});

describe("truth under failure, with people named by email", () => {
  // A plugin of its own: one attempt per request and one user per chunk, so each chunk and lost answer shows.
  let strict: PluginProcess;
  beforeAll(async () => {
    strict = await startPluginAgainst(emulator, { "openrouter:maxAttempts": "1", "openrouter:batchSize": "1", "openrouter:concurrency": "1" });
  });
  afterAll(async () => {
    await strict?.stop();
  });

  it("a create that fails part-way records the emails of exactly who went through, with __provider; the rerun converges", async () => {
    const engine = new Engine(strict);
    emulator.createWorkspace({ slug: "partial" });
    const program = await members("partial-team", { workspaceId: "partial", emails: ["alice@example.com", "bob@example.com", "carol@example.com"] });
    emulator.faults.add({ route: ADD, skip: 1, status: 400, message: "scripted refusal" });

    const failure = await engine.up(program).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ResourceInitError);
    expect((failure as ResourceInitError).properties).toMatchObject({
      userIds: ["user_alice"],
      emails: ["alice@example.com"],
      emailUserIds: { "alice@example.com": "user_alice" },
      __provider: program.inputs.__provider,
    });
    expect(emulator.memberIds("partial")).toEqual(["user_alice"]);

    expect((await engine.up(program)).map((s) => s.op)).toEqual(["update"]);
    expect(emulator.memberIds("partial")).toEqual(["user_alice", "user_bob", "user_carol"]);
    expect(engine.state("partial-team").outputs).toMatchObject({ emails: ["alice@example.com", "bob@example.com", "carol@example.com"] });
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same" });
  });

  it("a lost add that no listing settles keeps the email with the unconfirmed user; the next up settles it without an add", async () => {
    const engine = new Engine(strict);
    emulator.createWorkspace({ slug: "unsure" });
    const program = await members("unsure-team", { workspaceId: "unsure", emails: ["dave@example.com"] });
    emulator.faults.add({ route: ADD, drop: true, applyFirst: true }, { route: LIST, status: 503 });

    const failure = await engine.up(program).catch((error: unknown) => error);
    emulator.faults.clear();
    expect(failure).toBeInstanceOf(ResourceInitError);
    expect((failure as Error).message).toMatch(/could not confirm what happened to user_dave/);
    expect(engine.state("unsure-team").outputs).toMatchObject({
      userIds: [],
      unconfirmedUserIds: ["user_dave"],
      emails: [],
      emailUserIds: { "dave@example.com": "user_dave" },
    });
    expect((await engine.preview(program))[0]?.diff?.changes).toBe("some");
    emulator.log.clear();

    await engine.up(program);
    expect(takeRequests(emulator).sort()).toEqual([DIRECTORY, LIST]);
    expect(engine.state("unsure-team").outputs).toMatchObject({ userIds: ["user_dave"], unconfirmedUserIds: [], emails: ["dave@example.com"] });
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same" });
  });
});

describe("the plugin process", () => {
  it("never prints the management key", () => {
    expect(plugin.stdout + plugin.stderr).not.toContain(emulator.managementKey);
  });
});
