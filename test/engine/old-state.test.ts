/**
 * States written before the provider's files moved into folders still load (issue #14).
 *
 * Every resource's state holds the serialized provider of the version that wrote it, and
 * that text requires the implementation by package subpath: `pulumi-openrouter/lifecycle`
 * and `pulumi-openrouter/workspace-lifecycle`. Those keys of the package's `exports` never
 * change, only their targets. The fixture holds the `__provider` texts that version 0.1.0
 * (flat provider/ folder) serialized; here the real plugin runs them against today's
 * build, through refresh, preview, update and destroy of states shaped as 0.1.0 wrote them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../../provider/testing";
import { WorkspaceMembers } from "../../provider/members/resource";
import { Engine, captureRegistrations, registrationNamed, startPluginAgainst, type PluginProcess, type ResourceState } from "./harness";

const OLD = JSON.parse(readFileSync(join(__dirname, "fixtures", "serialized-providers-0.1.0.json"), "utf8")) as {
  members: string;
  workspace: string;
};

let emulator: Emulator;
let plugin: PluginProcess;

beforeAll(async () => {
  emulator = await startEmulator({ seed: "old-state", users: ["user_a", "user_b", "user_c"] });
  plugin = await startPluginAgainst(emulator);
});

afterAll(async () => {
  await plugin?.stop();
  await emulator?.close();
});

it("the fixture is the flat layout's text: it requires the subpaths whose targets moved", () => {
  expect(OLD.members).toContain("`pulumi-openrouter/${subpath}`");
  expect(OLD.members).toContain('"lifecycle"');
  expect(OLD.workspace).toContain('"workspace-lifecycle"');
});

it("a WorkspaceMembers state of 0.1.0 refreshes, updates and destroys with today's code", async () => {
  const workspace = emulator.createWorkspace({ slug: "legacy" });
  emulator.addMembers("legacy", ["user_a", "user_b"]);
  const [a, b] = ["user_a", "user_b"].map((userId) => {
    const m = emulator.member("legacy", userId)!;
    return { id: m.id, userId, workspaceId: workspace.id, role: m.role, createdAt: m.created_at };
  });
  const urn = "urn:pulumi:dev::legacy::pulumi-nodejs:dynamic/openrouter:WorkspaceMembers::legacy";
  // The outputs as 0.1.0 wrote them: no unconfirmedUserIds, the old provider text.
  const state: ResourceState = {
    urn,
    type: "pulumi-nodejs:dynamic/openrouter:WorkspaceMembers",
    id: workspace.id,
    inputs: { workspaceId: "legacy", userIds: { user_a: true, user_b: true }, exclusive: false, __provider: OLD.members },
    outputs: {
      workspaceId: "legacy",
      workspaceUuid: workspace.id,
      workspaceSlug: "legacy",
      userIds: ["user_a", "user_b"],
      memberships: [a, b],
      exclusive: false,
      protectedUserIds: [],
      __provider: OLD.members,
    },
  };
  const engine = new Engine(plugin);
  engine.load([state]);

  // The refresh rewrites the outputs in today's shape (with unconfirmedUserIds), members unchanged.
  await engine.refresh();
  expect(engine.state(urn).outputs).toMatchObject({ userIds: ["user_a", "user_b"], memberships: [a, b], unconfirmedUserIds: [] });

  // Today's program drops user_b and adds user_c: the update runs through the old provider text.
  const program = registrationNamed(
    await captureRegistrations(() => void new WorkspaceMembers("legacy", { workspaceId: "legacy", userIds: ["user_a", "user_c"] })),
    "legacy",
  );
  program.inputs.__provider = OLD.members;
  program.urn = urn;
  expect((await engine.up(program)).map((step) => step.op)).toEqual(["update"]);
  expect(emulator.memberIds("legacy")).toEqual(["user_a", "user_c"]);
  expect(engine.state(urn).outputs).toMatchObject({ userIds: ["user_a", "user_c"], unconfirmedUserIds: [] });

  await engine.destroy();
  expect(emulator.memberIds("legacy")).toEqual([]);
});

it("a Workspace state of 0.1.0 refreshes and destroys with today's code", async () => {
  const workspace = emulator.createWorkspace({ slug: "legacy-ws", name: "Legacy" });
  const urn = "urn:pulumi:dev::legacy::pulumi-nodejs:dynamic/openrouter:Workspace::legacy-ws";
  const engine = new Engine(plugin);
  engine.load([
    {
      urn,
      type: "pulumi-nodejs:dynamic/openrouter:Workspace",
      id: workspace.id,
      inputs: { name: "Legacy", slug: "legacy-ws", __provider: OLD.workspace },
      outputs: { name: "Legacy", slug: "legacy-ws", managedFields: ["name", "slug"], __provider: OLD.workspace },
    },
  ]);

  expect((await engine.refresh()).map((step) => step.op)).toEqual(["update"]);
  expect(engine.state(urn).outputs).toMatchObject({ name: "Legacy", slug: "legacy-ws", createdAt: workspace.created_at });

  await engine.destroy();
  expect(emulator.workspace("legacy-ws")).toBeUndefined();
});
