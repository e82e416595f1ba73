import { startEmulator, type Emulator } from "../../provider/testing";
import { Workspace, type WorkspaceArgs } from "../../provider/workspace/resource";
import { WorkspaceMembers } from "../../provider/members/resource";
import {
  Engine,
  UNKNOWN,
  captureRegistrations,
  registrationNamed,
  startPluginAgainst,
  type PluginProcess,
  type Registration,
} from "./harness";

// Issue 7: the Workspace resource through Pulumi's real dynamic-provider plugin, with the
// engine's calls and arguments, against the emulator; and a Workspace with its
// WorkspaceMembers declared in one program.

const USERS = ["user_1", "user_2", "user_3"];

let emulator: Emulator;
let plugin: PluginProcess;

beforeAll(async () => {
  emulator = await startEmulator({ seed: "workspace-plugin", users: USERS });
  plugin = await startPluginAgainst(emulator);
});

afterAll(async () => {
  await plugin?.stop();
  await emulator?.close();
});

async function workspace(name: string, args: WorkspaceArgs): Promise<Registration> {
  return registrationNamed(await captureRegistrations(() => void new Workspace(name, args)), name);
}

/** The emulator's requests since the last call, by route. */
function takeRequests(): string[] {
  const requests = emulator.log.entries.map((e) => `${e.route}`);
  emulator.log.clear();
  return requests;
}

async function patchByHand(idOrSlug: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulator.url}/workspaces/${idOrSlug}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${emulator.managementKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

describe("Workspace through the plugin, step by step", () => {
  let engine: Engine;
  let program: Registration;
  let uuid: string;

  beforeAll(async () => {
    engine = new Engine(plugin);
    program = await workspace("ml", { name: "ML", slug: "ml", defaultTextModel: "openai/gpt-4o" });
    emulator.log.clear();
  });

  it("step 1, create: a GET of the slug (free), one POST; the id is the UUID and the outputs hold every field", async () => {
    expect((await engine.up(program)).map((s) => s.op)).toEqual(["create"]);
    // The slug's 404 means "free" once the base URL is proven right (the plugin's first 404).
    expect(takeRequests()).toEqual(["GET /workspaces/:id", "GET /workspaces", "POST /workspaces"]);

    const stored = emulator.workspace("ml");
    const state = engine.state("ml");
    uuid = state.id;
    expect(uuid).toBe(stored?.id);
    expect(state.outputs).toMatchObject({
      name: "ML",
      slug: "ml",
      defaultTextModel: "openai/gpt-4o",
      description: null,
      createdAt: stored?.created_at,
      ioLoggingSamplingRate: stored?.io_logging_sampling_rate,
      managedFields: ["name", "slug", "defaultTextModel"],
      __provider: program.inputs.__provider,
    });
    expect(state.inputs).toEqual({ name: "ML", slug: "ml", defaultTextModel: "openai/gpt-4o", __provider: program.inputs.__provider });
  });

  it("step 2, the same program again: no change and no API call, whatever the service's defaults", async () => {
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same", diff: { changes: "none" } });
    expect((await engine.up(program)).map((s) => s.op)).toEqual(["same"]);
    expect(takeRequests()).toEqual([]);
  });

  it("step 3, rename slug and name: an update in place with one PATCH, same UUID", async () => {
    program = await workspace("ml", { name: "ML Europe", slug: "ml-eu", defaultTextModel: "openai/gpt-4o" });
    const [plan] = await engine.preview(program);
    expect(plan).toMatchObject({ op: "update", diff: { changes: "some", replaces: [] } });

    expect((await engine.up(program)).map((s) => s.op)).toEqual(["update"]);
    expect(takeRequests()).toEqual(["PATCH /workspaces/:id"]);
    expect(engine.state("ml")).toMatchObject({ id: uuid, outputs: { name: "ML Europe", slug: "ml-eu" } });
    expect(emulator.workspace("ml-eu")?.id).toBe(uuid);
    expect(emulator.workspace("ml")).toBeUndefined();
  });

  it("step 4, drift by hand: refresh shows it in outputs and inputs; the next up restores only what is managed", async () => {
    await patchByHand(uuid, { default_text_model: "anthropic/claude-sonnet-4", description: "by hand" });
    emulator.log.clear();

    expect((await engine.refresh()).map((s) => s.op)).toEqual(["update"]);
    expect(takeRequests()).toEqual(["GET /workspaces/:id"]);
    const refreshed = engine.state("ml");
    expect(refreshed.outputs).toMatchObject({ defaultTextModel: "anthropic/claude-sonnet-4", description: "by hand" });
    expect(refreshed.inputs).toEqual({
      name: "ML Europe",
      slug: "ml-eu",
      defaultTextModel: "anthropic/claude-sonnet-4",
      __provider: program.inputs.__provider,
    });

    expect((await engine.preview(program))[0]).toMatchObject({ op: "update", diff: { changes: "some" } });
    await engine.up(program);
    expect(emulator.workspace(uuid)).toMatchObject({ default_text_model: "openai/gpt-4o", description: "by hand" });
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same", diff: { changes: "none" } });
  });

  it("step 5, destroy: one DELETE", async () => {
    emulator.log.clear();
    expect((await engine.destroy()).map((s) => s.op)).toEqual(["delete"]);
    expect(takeRequests()).toEqual(["DELETE /workspaces/:id"]);
    expect(emulator.workspace(uuid)).toBeUndefined();
  });
});

describe("a Workspace deleted by hand", () => {
  it("leaves the state on refresh, and a destroy of a stale state counts it as done", async () => {
    const engine = new Engine(plugin);
    await engine.up(await workspace("gone", { name: "Gone", slug: "gone" }));
    const stale = engine.resources;
    emulator.deleteWorkspace("gone");

    expect((await engine.refresh()).map((s) => s.op)).toEqual(["delete"]);
    expect(engine.resources).toEqual([]);

    engine.load(stale);
    expect((await engine.destroy()).map((s) => s.op)).toEqual(["delete"]);
  });
});

describe("a Workspace and its WorkspaceMembers in one program", () => {
  const program = () => {
    const ws = new Workspace("research", { name: "Research", slug: "research" });
    new WorkspaceMembers("research-team", { workspaceId: ws.id, userIds: ["user_2", "user_1"] });
  };

  it("wires the workspace's id into the members' workspaceId", async () => {
    const registrations = await captureRegistrations(program);
    // Under mocks the id is the mock's; the engine gives the program the real UUID.
    expect(registrationNamed(registrations, "research-team").inputs.workspaceId).toBe("research-id");
  });

  it("previews while the id is unknown, creates both, diffs 'unknown' on an unknown id later, and destroys members first", async () => {
    const engine = new Engine(plugin);
    const registrations = await captureRegistrations(program);
    const ws = registrationNamed(registrations, "research");
    const team = registrationNamed(registrations, "research-team");
    // What the engine sends during a first preview: the workspace does not exist yet.
    const teamInPreview = { ...team, inputs: { ...team.inputs, workspaceId: UNKNOWN } };
    emulator.log.clear();

    expect((await engine.preview([ws, teamInPreview])).map((s) => s.op)).toEqual(["create", "create"]);
    expect(takeRequests()).toEqual([]);

    await engine.up(ws);
    const uuid = engine.state("research").id;
    const teamWithId = { ...team, inputs: { ...team.inputs, workspaceId: uuid } };
    expect((await engine.up([ws, teamWithId])).map((s) => s.op)).toEqual(["same", "create"]);
    expect(emulator.memberIds(uuid)).toEqual(["user_1", "user_2"]);
    expect(engine.state("research-team").outputs).toMatchObject({ workspaceUuid: uuid, userIds: ["user_1", "user_2"] });

    const [, teamStep] = await engine.preview([ws, teamInPreview]);
    expect(teamStep?.diff?.changes).toBe("unknown");

    emulator.log.clear();
    expect((await engine.destroy()).map((s) => s.urn.split("::").pop())).toEqual(["research-team", "research"]);
    expect(takeRequests()).toEqual(["POST /workspaces/:id/members/remove", "DELETE /workspaces/:id"]);
    expect(emulator.workspace(uuid)).toBeUndefined();
  });
});
