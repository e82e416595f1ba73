/**
 * Issue 16, through Pulumi's real dynamic-provider plugin: the mistakes of a first hour
 * (a base URL without `/api/v1`, a key pasted where the base URL goes, an inference key in
 * OPENROUTER_API_KEY, an edit that removes too many users) never make the state lie, and
 * every error says what is wrong and what to change, without the key.
 *
 * A plugin configures its provider once, so each wrong setting gets a plugin of its own.
 */
import { startEmulator, type Emulator } from "../../provider/testing";
import { Workspace } from "../../provider/workspace/resource";
import { WorkspaceMembers, type WorkspaceMembersArgs } from "../../provider/members/resource";
import { REPO_ROOT, ensureBuilt } from "./harness/build";
import {
  CheckFailedError,
  Engine,
  PluginCallError,
  captureRegistrations,
  registrationNamed,
  secret,
  startPlugin,
  startPluginAgainst,
  type PluginProcess,
  type Registration,
} from "./harness";

const USERS = ["user_1", "user_2", "user_3", "user_4", "user_5", "user_6", "user_7"];

let emulator: Emulator;
const plugins: PluginProcess[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ seed: "first-hour", users: USERS });
});

afterAll(async () => {
  await Promise.all(plugins.map((plugin) => plugin.stop()));
  await emulator?.close();
});

/** A plugin configured with exactly `config` (and `env` for its environment). */
async function pluginWith(config: Record<string, unknown>, env?: NodeJS.ProcessEnv): Promise<PluginProcess> {
  await ensureBuilt();
  const plugin = await startPlugin({ cwd: REPO_ROOT, ...(env === undefined ? {} : { env }) });
  plugins.push(plugin);
  await plugin.configure(config);
  return plugin;
}

function environmentWithout(pattern: RegExp): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !pattern.test(name)));
}

async function pluginAgainstEmulator(config: Record<string, unknown> = {}): Promise<PluginProcess> {
  const plugin = await startPluginAgainst(emulator, config);
  plugins.push(plugin);
  return plugin;
}

async function members(name: string, args: WorkspaceMembersArgs): Promise<Registration> {
  return registrationNamed(await captureRegistrations(() => void new WorkspaceMembers(name, args)), name);
}

async function workspace(name: string, slug: string): Promise<Registration> {
  return registrationNamed(await captureRegistrations(() => void new Workspace(name, { name, slug })), name);
}

/** The error a call failed with (the test fails if it succeeded). */
async function failure(call: () => Promise<unknown>): Promise<Error> {
  try {
    await call();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

describe("a 404 is not proof that something is gone (item 1)", () => {
  let right: Engine;
  let workspaceUuid: string;
  const origin = (): string => emulator.url.replace(/\/api\/v1$/, "");

  beforeAll(async () => {
    right = new Engine(await pluginAgainstEmulator());
    workspaceUuid = emulator.createWorkspace({ slug: "kept" }).id;
    await right.up([
      await members("kept-members", { workspaceId: "kept", userIds: ["user_1", "user_2"] }),
      await workspace("made-here", "made-here"),
    ]);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_1", "user_2"]);
  });

  it.each([
    ["the origin without /api/v1", () => origin()],
    ["a /v1 path", () => `${origin()}/v1`],
  ])("with %s, refresh and destroy fail naming the base URL, and the state and the workspaces stay", async (_name, baseUrl) => {
    const wrong = new Engine(
      await pluginWith({ "openrouter:managementKey": secret(emulator.managementKey), "openrouter:baseUrl": baseUrl() }),
    );
    wrong.load(right.resources);
    const before = wrong.resources;

    const refresh = await failure(() => wrong.refresh());
    expect(refresh).toBeInstanceOf(PluginCallError);
    expect(refresh.message).toContain(`base URL ${baseUrl()} (stack config openrouter:baseUrl) looks wrong`);
    expect(refresh.message).toContain("/api/v1");
    expect(wrong.resources).toEqual(before);

    const destroy = await failure(() => wrong.destroy());
    expect(destroy.message).toContain("looks wrong");
    expect(wrong.resources).toEqual(before);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_1", "user_2"]);
    expect(emulator.workspace("made-here")).toBeDefined();
  });

  it("Workspace refresh and destroy alone fail the same way: the workspace is neither dropped nor taken as deleted", async () => {
    const wrong = new Engine(
      await pluginWith({ "openrouter:managementKey": secret(emulator.managementKey), "openrouter:baseUrl": `${origin()}/v1` }),
    );
    wrong.load(right.resources.filter((resource) => resource.urn.endsWith("::made-here")));
    expect((await failure(() => wrong.refresh())).message).toContain("looks wrong");
    expect((await failure(() => wrong.destroy())).message).toContain("looks wrong");
    expect(wrong.resources).toHaveLength(1);
    expect(emulator.workspace("made-here")).toBeDefined();
  });

  it("create says the base URL looks wrong, not that the workspace is missing", async () => {
    const wrong = new Engine(
      await pluginWith({ "openrouter:managementKey": secret(emulator.managementKey), "openrouter:baseUrl": origin() }),
    );
    const error = await failure(async () => wrong.up(await members("new-members", { workspaceId: "kept", userIds: ["user_3"] })));
    expect(error.message).toContain("looks wrong");
    expect(error.message).not.toContain("workspaceId");
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_1", "user_2"]);
  });

  it("with the right base URL, a workspace deleted by hand still leaves the state on refresh", async () => {
    const gone = emulator.createWorkspace({ slug: "gone-soon" }).id;
    const engine = new Engine(right.plugin);
    await engine.up(await members("gone-members", { workspaceId: "gone-soon", userIds: ["user_4"] }));
    emulator.deleteWorkspace(gone);
    expect((await engine.refresh()).map((step) => step.op)).toEqual(["delete"]);
    expect(engine.resources).toEqual([]);
  });
});

describe("the key never appears in an error (item 2)", () => {
  it.each([
    ["the key itself as the base URL", (key: string) => key],
    ["a base URL carrying the key in its query", (key: string) => `${emulator.url}?key=${key}`],
    ["a base URL carrying the key as a password", (key: string) => emulator.url.replace("http://", `http://me:${key}@`)],
  ])("%s: the error names stack config openrouter:baseUrl and shows no key", async (_name, baseUrl) => {
    const key = emulator.managementKey;
    const plugin = await pluginWith({ "openrouter:managementKey": secret(key), "openrouter:baseUrl": baseUrl(key) });
    const error = await failure(async () => new Engine(plugin).up(await members("leaky", { workspaceId: "kept", userIds: ["user_1"] })));
    expect(error.message).toContain("stack config openrouter:baseUrl");
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain(key.slice(10));
    expect(plugin.stderr).not.toContain(key.slice(10));
  });
});

describe("a refused key says which setting holds it (item 6)", () => {
  it("a 401 names the stack config key that holds the refused key, and not the key", async () => {
    const plugin = await pluginWith({ "openrouter:managementKey": secret("sk-or-v1-not-a-real-key-0000"), "openrouter:baseUrl": emulator.url });
    const error = await failure(async () => new Engine(plugin).up(await members("refused", { workspaceId: "kept", userIds: ["user_1"] })));
    expect(error.message).toContain("401");
    expect(error.message).toContain("management key in stack config openrouter:managementKey was not accepted");
    expect(error.message).not.toContain("not-a-real-key");
  });

  it("a 403 on a key found in OPENROUTER_API_KEY says it may be an inference key and a management key is needed", async () => {
    const plugin = await pluginWith({ "openrouter:baseUrl": emulator.url }, { ...environmentWithout(/^(OPENROUTER_|PULUMI_)/), OPENROUTER_API_KEY: emulator.inferenceKey });
    const error = await failure(async () => new Engine(plugin).up(await members("inference", { workspaceId: "kept", userIds: ["user_1"] })));
    expect(error.message).toContain("403");
    expect(error.message).toContain("OPENROUTER_API_KEY");
    expect(error.message).toMatch(/inference key/);
    expect(error.message).toContain("openrouter:managementKey");
    expect(error.message).toContain("https://openrouter.ai/settings/management-keys");
    expect(error.message).not.toContain(emulator.inferenceKey);
  });
});

describe("guards speak at preview (item 5)", () => {
  it("an additive edit removing more than maxRemovals fails the preview, naming the count, the limit and the users", async () => {
    emulator.createWorkspace({ slug: "guarded" });
    const engine = new Engine(await pluginAgainstEmulator());
    const all = ["user_1", "user_2", "user_3", "user_4", "user_5"];
    await engine.up(await members("guarded", { workspaceId: "guarded", userIds: all, maxRemovals: 2 }));
    emulator.log.clear();

    const error = await failure(async () => engine.preview(await members("guarded", { workspaceId: "guarded", userIds: ["user_1"], maxRemovals: 2 })));
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as CheckFailedError).failures).toEqual([
      {
        property: "maxRemovals",
        reason:
          'maxRemovals: this change to workspace "guarded" would remove 4 users (user_2, user_3, user_4, user_5), more than ' +
          "maxRemovals (2); raise maxRemovals or split the change",
      },
    ]);
    expect(emulator.log.entries).toEqual([]);

    // Within the limit, the same preview passes.
    const steps = await engine.preview(await members("guarded", { workspaceId: "guarded", userIds: ["user_1", "user_2", "user_3"], maxRemovals: 2 }));
    expect(steps.map((step) => step.op)).toEqual(["update"]);
  });

  // The guard is in check, never in diff: the real CLI calls diff during refresh too (test/e2e).
  it("after a refresh in exclusive mode, users added by hand count: the preview fails naming them", async () => {
    const uuid = emulator.createWorkspace({ slug: "refreshed" }).id;
    const engine = new Engine(await pluginAgainstEmulator());
    await engine.up(await members("refreshed", { workspaceId: "refreshed", userIds: ["user_1"], exclusive: true, maxRemovals: 1 }));
    emulator.addMembers(uuid, ["user_5", "user_6"]);
    expect((await engine.refresh()).map((step) => step.op)).toEqual(["update"]);
    // The refreshed state's users added by hand are what the next change would remove: two, over the limit of one.
    const refused = await failure(async () => engine.preview(await members("refreshed", { workspaceId: "refreshed", userIds: ["user_1"], exclusive: true, maxRemovals: 1 })));
    expect(refused.message).toContain("would remove 2 users (user_5, user_6), more than maxRemovals (1)");
  });

  it("in exclusive mode the error at up names the users it would remove", async () => {
    const uuid = emulator.createWorkspace({ slug: "owned" }).id;
    emulator.addMembers(uuid, ["user_5", "user_6", "user_7"]);
    const engine = new Engine(await pluginAgainstEmulator());
    const program = await members("owned", { workspaceId: "owned", userIds: ["user_1"], exclusive: true, maxRemovals: 1 });
    expect((await engine.preview(program)).map((step) => step.op)).toEqual(["create"]);
    const error = await failure(() => engine.up(program));
    expect(error.message).toContain("would remove 3 users (user_5, user_6, user_7), more than maxRemovals (1)");
    expect(emulator.memberIds(uuid)).toEqual(["user_5", "user_6", "user_7"]);
  });
});
