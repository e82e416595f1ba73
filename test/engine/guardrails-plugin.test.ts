import { startEmulator, type Emulator } from "../../provider/testing";
import { GuardrailMembers, type GuardrailMembersArgs } from "../../provider/guardrails/resource";
import {
  CheckFailedError,
  Engine,
  ResourceInitError,
  captureRegistrations,
  registrationNamed,
  startPluginAgainst,
  type PluginProcess,
  type Registration,
} from "./harness";
import { takeRequests } from "../support/requests";

// GuardrailMembers through Pulumi's real dynamic-provider plugin, with the engine's calls and
// arguments, against the emulator: the provider loads through the package subpath
// ./guardrails-lifecycle, a refused guardrail fails the create with no change sent, and the
// service's move rule shows on the other guardrail's resource as drift on refresh.

const ASSIGN = "POST /guardrails/:id/assignments/members";
const UNASSIGN = "POST /guardrails/:id/assignments/members/remove";
const LIST = "GET /guardrails/:id/assignments/members";

let emulator: Emulator;
let plugin: PluginProcess;
let workspaceUuid: string;

beforeAll(async () => {
  emulator = await startEmulator({ seed: "guardrails-plugin", users: ["user_a", "user_b", "user_c", "user_d"] });
  workspaceUuid = emulator.createWorkspace({ slug: "platform" }).id;
  emulator.addMembers(workspaceUuid, ["user_a", "user_b", "user_c", "user_d"]);
  plugin = await startPluginAgainst(emulator, { "openrouter:retryBaseDelayMs": "1" });
});

afterAll(async () => {
  await plugin?.stop();
  await emulator?.close();
});

async function members(name: string, args: GuardrailMembersArgs): Promise<Registration> {
  return registrationNamed(await captureRegistrations(() => void new GuardrailMembers(name, args)), name);
}

describe("GuardrailMembers through the plugin, step by step", () => {
  let engine: Engine;
  let strict: string;
  let lenient: string;

  beforeAll(() => {
    engine = new Engine(plugin);
    strict = emulator.createGuardrail({ workspaceId: workspaceUuid, name: "Strict" }).id;
    lenient = emulator.createGuardrail({ workspaceId: workspaceUuid, name: "Lenient" }).id;
    emulator.log.clear();
  });

  it("step 1, a preview checks the inputs and sends nothing; a bad guardrailId names the field", async () => {
    const bad = await members("strict", { guardrailId: "strict", userIds: ["user_a"] });
    const failure = await engine.preview(bad).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CheckFailedError);
    expect((failure as CheckFailedError).failures).toEqual([{ property: "guardrailId", reason: expect.stringMatching(/^guardrailId "strict" is not a guardrail UUID/) }]);

    const program = await members("strict", { guardrailId: strict, userIds: ["user_b", "user_a"] });
    expect((await engine.preview(program))[0]).toMatchObject({ op: "create" });
    expect(takeRequests(emulator)).toEqual([]);
  });

  it("step 2, create assigns and records the listed assignments; the next preview is clean", async () => {
    const program = await members("strict", { guardrailId: strict, userIds: ["user_b", "user_a"] });
    expect((await engine.up(program)).map((s) => s.op)).toEqual(["create"]);
    expect(takeRequests(emulator)).toEqual(["GET /guardrails/:id", "GET /workspaces/:id", `${ASSIGN} x2`, LIST]);
    const state = engine.state("strict");
    expect(state.id).toBe(strict);
    expect(state.outputs).toMatchObject({
      guardrailId: strict,
      workspaceId: workspaceUuid,
      userIds: ["user_a", "user_b"],
      unconfirmedUserIds: [],
      __provider: program.inputs.__provider,
    });
    expect((state.outputs.assignments as { guardrailId: string }[]).map((a) => a.guardrailId)).toEqual([strict, strict]);
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same", diff: { changes: "none" } });
  });

  it("step 3, another resource assigning user_a to a guardrail of the same workspace moves them: refresh shows the first one's drift", async () => {
    const other = await members("lenient", { guardrailId: lenient, userIds: ["user_a"] });
    const program = await members("strict", { guardrailId: strict, userIds: ["user_b", "user_a"] });
    expect((await engine.up([program, other])).map((s) => s.op)).toEqual(["same", "create"]);
    expect(emulator.memberGuardrailId(workspaceUuid, "user_a")).toBe(lenient);
    emulator.log.clear();

    const steps = await engine.refresh();
    expect(steps.find((s) => s.urn.endsWith("::strict"))?.op).toBe("update");
    expect(engine.state("strict").outputs).toMatchObject({ userIds: ["user_b"] });
    expect(engine.state("strict").inputs).toMatchObject({ userIds: { user_b: true } });
    expect(takeRequests(emulator)).toEqual([LIST, LIST]);
    // The program still wants user_a on both: the preview shows it, and an up would move them back.
    expect((await engine.preview(program))[0]).toMatchObject({ op: "update", diff: { changes: "some" } });
  });

  it("step 4, destroy unassigns the managed users only", async () => {
    emulator.assignGuardrailMembers(strict, ["user_c"]);
    emulator.log.clear();
    expect((await engine.destroy()).map((s) => s.op).sort()).toEqual(["delete", "delete"]);
    expect(emulator.guardrailMemberIds(strict)).toEqual(["user_c"]);
    expect(emulator.guardrailMemberIds(lenient)).toEqual([]);
    expect(takeRequests(emulator).sort()).toEqual([`${UNASSIGN} x1`, `${UNASSIGN} x1`]);
  });
});

describe("refusals and failures through the plugin", () => {
  it("a workspace's default guardrail fails the create with what to do instead, and nothing is sent that changes anything", async () => {
    const engine = new Engine(plugin);
    const defaultGuardrail = emulator.workspace(workspaceUuid)?.default_guardrail_id as string;
    emulator.log.clear();
    const failure = await engine.up(await members("everyone", { guardrailId: defaultGuardrail, userIds: ["user_a"] })).catch((e: unknown) => e);
    expect(String((failure as Error).message)).toMatch(/default guardrail of workspace "platform".*create another guardrail/);
    expect(takeRequests(emulator)).toEqual(["GET /guardrails/:id", "GET /workspaces/:id"]);
    expect(engine.resources).toEqual([]);
  });

  it("an assign refused part-way reaches the engine as initialization failed with what went through", async () => {
    const engine = new Engine(plugin);
    const guardrail = emulator.createGuardrail({ workspaceId: workspaceUuid }).id;
    emulator.assignGuardrailMembers(guardrail, ["user_a"]);
    const program = await members("partial", { guardrailId: guardrail, userIds: ["user_a"] });
    await engine.up(program);
    emulator.faults.add({ route: ASSIGN, status: 400, message: "scripted refusal" });
    const failure = await engine.up(await members("partial", { guardrailId: guardrail, userIds: ["user_a", "user_b"] })).catch((e: unknown) => e);
    emulator.faults.clear();
    expect(failure).toBeInstanceOf(ResourceInitError);
    const init = failure as ResourceInitError;
    expect(init.properties).toMatchObject({ userIds: ["user_a"], __provider: program.inputs.__provider });
    expect(init.message).toMatch(/Updating the members of guardrail .* did not finish: scripted refusal/);
    expect(emulator.guardrailMemberIds(guardrail)).toEqual(["user_a"]);
    await engine.destroy();
  });
});
