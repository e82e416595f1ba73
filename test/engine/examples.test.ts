import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunError } from "@pulumi/pulumi";
import { exclusive } from "../../examples/exclusive/program";
import { guardrails } from "../../examples/guardrails/program";
import { gitops } from "../../examples/gitops/program";
import { QUICKSTART_USERS, quickstart } from "../../examples/quickstart/program";
import { MembersFileError } from "../../provider/core/errors";
import { seedDemoOrganization, startEmulator, type Emulator } from "../../provider/testing";
import {
  Engine,
  UNKNOWN,
  captureRegistrations,
  registrationNamed,
  startPluginAgainst,
  type PluginProcess,
  type Registration,
} from "./harness";
import { REPO_ROOT, ensureBuilt } from "./harness/build";

// Issue 4: every example stack runs as a program (what it registers) and through Pulumi's
// real dynamic-provider plugin against the emulator's demo organization (what it does).

const MEMBERS_TYPE = "pulumi-nodejs:dynamic/openrouter:WorkspaceMembers";
const WORKSPACE_TYPE = "pulumi-nodejs:dynamic/openrouter:Workspace";
const BUDGETS_TYPE = "pulumi-nodejs:dynamic/openrouter:WorkspaceBudgets";
const GUARDRAIL_MEMBERS_TYPE = "pulumi-nodejs:dynamic/openrouter:GuardrailMembers";
const GITOPS_MEMBERS_FILE = join(REPO_ROOT, "examples", "gitops", "members.yaml");
/** The demo organization's "Platform production" under the emulator's seed "demo", as the gitops members file names it. */
const DEMO_GUARDRAIL_ID = "16af95b7-4e8b-4f0a-aaf7-1fd84422e164";

/** The inputs of each WorkspaceMembers a program registered, by resource name, without `__provider`. */
function membersInputs(registrations: Registration[]): Record<string, Record<string, unknown>> {
  const found: Record<string, Record<string, unknown>> = {};
  for (const registration of registrations.filter((r) => r.type === MEMBERS_TYPE)) {
    const { __provider: provider, ...inputs } = registration.inputs;
    expect(typeof provider).toBe("string");
    found[registration.name] = inputs;
  }
  return found;
}

/** The inputs of each resource of `type` a program registered, by resource name, without `__provider`. */
function inputsOfType(registrations: Registration[], type: string): Record<string, Record<string, unknown>> {
  const found: Record<string, Record<string, unknown>> = {};
  for (const registration of registrations.filter((r) => r.type === type)) {
    const { __provider: provider, ...inputs } = registration.inputs;
    expect(typeof provider).toBe("string");
    found[registration.name] = inputs;
  }
  return found;
}

/** The gitops example's WorkspaceMembers, as its members file declares them. */
const GITOPS_MEMBERS = {
  "demo-platform": {
    workspaceId: "demo-platform",
    userIds: [],
    emails: ["alice.nakamura@example.com", "frank.silva@example.com", "grace.kowalski@example.com"],
    exclusive: false,
    maxRemovals: 3,
  },
  "demo-research": {
    workspaceId: "demo-research",
    userIds: ["user_heidi"],
    emails: ["carol.lindqvist@example.com"],
    exclusive: false,
    maxRemovals: 3,
  },
  // The id the mocks gave the Workspace: the members take its output, so they depend on it.
  "demo-evals": {
    workspaceId: "demo-evals-id",
    userIds: [],
    emails: ["dave.moreau@example.com", "grace.kowalski@example.com"],
    exclusive: false,
    maxRemovals: 3,
  },
};

const workspaceInputs = (registrations: Registration[]) => inputsOfType(registrations, WORKSPACE_TYPE);
const budgetsInputs = (registrations: Registration[]) => inputsOfType(registrations, BUDGETS_TYPE);

/** The gitops example's Workspace, as its members file declares it. */
const GITOPS_WORKSPACE = {
  name: "Demo Evals",
  slug: "demo-evals",
  description: "Model evaluations, created from members.yaml",
  defaultTextModel: "openai/gpt-4o",
};

describe("what each example registers", () => {
  // The demo organization, for the gitops programs' check of the people they name.
  let organization: Emulator;
  beforeAll(async () => {
    organization = await startEmulator({ seed: "demo" });
    seedDemoOrganization(organization);
  });
  afterAll(async () => {
    await organization?.close();
  });
  /** Stack config that points the programs' lookups at the demo organization. */
  const reachable = (config: Record<string, unknown> = {}) => ({
    "openrouter:baseUrl": organization.url,
    "openrouter:managementKey": organization.managementKey,
    ...config,
  });

  it("quickstart: one additive resource on the demo workspace, or the configured one", async () => {
    const registrations = await captureRegistrations(() => void quickstart(), { project: "openrouter-quickstart" });
    expect(membersInputs(registrations)).toEqual({
      platform: { workspaceId: "demo-platform", userIds: QUICKSTART_USERS, exclusive: false, maxRemovals: 5 },
    });

    const configured = await captureRegistrations(() => void quickstart(["user_bob"]), {
      project: "openrouter-quickstart",
      config: { "openrouter-quickstart:workspace": "team-a" },
    });
    expect(membersInputs(configured)).toEqual({
      platform: { workspaceId: "team-a", userIds: ["user_bob"], exclusive: false, maxRemovals: 5 },
    });
  });

  it("gitops: members per entry of members.yaml, by email and by id, named by its key; the entry with a workspace: block creates it and points at its id; its guardrail depends on the entry's members", async () => {
    organization.log.clear();
    const registrations = await captureRegistrations(() => gitops(GITOPS_MEMBERS_FILE).then(() => undefined), {
      project: "openrouter-gitops",
      config: reachable(),
    });
    expect(workspaceInputs(registrations)).toEqual({ "demo-evals": GITOPS_WORKSPACE });
    expect(membersInputs(registrations)).toEqual(GITOPS_MEMBERS);
    // Every person checked against the organization with one listing of it.
    expect(organization.log.entries.map((entry) => entry.route)).toEqual(["GET /organization/members"]);
    expect(budgetsInputs(registrations)).toEqual({
      "demo-platform": { workspaceId: "demo-platform", monthly: 2000, weekly: 600, daily: 350 },
      "demo-evals": { workspaceId: "demo-evals-id", monthly: 500, daily: 25 },
    });
    // The demo organization's guardrail, assigned once the people are members of demo-platform.
    expect(inputsOfType(registrations, GUARDRAIL_MEMBERS_TYPE)).toEqual({
      [`demo-platform/${DEMO_GUARDRAIL_ID}`]: {
        guardrailId: DEMO_GUARDRAIL_ID,
        userIds: [],
        emails: ["alice.nakamura@example.com", "grace.kowalski@example.com"],
        exclusive: false,
      },
    });
    expect(registrationNamed(registrations, `demo-platform/${DEMO_GUARDRAIL_ID}`).dependencies).toEqual([
      registrations.find((r) => r.type === MEMBERS_TYPE && r.name === "demo-platform")!.urn,
    ]);
    expect(organization.memberGuardrailId("demo-platform", "user_alice")).toBe(DEMO_GUARDRAIL_ID);
  });

  /** Runs the gitops program on `text` as its members file: the error it failed with, and what it registered. */
  async function gitopsOn(text: string, config: Record<string, unknown> = reachable()): Promise<{ file: string; thrown: unknown; registrations: Registration[] }> {
    const file = join(mkdtempSync(join(tmpdir(), "gitops-example-")), "members.yaml");
    writeFileSync(file, text);
    let thrown: unknown;
    const registrations = await captureRegistrations(
      () =>
        gitops(file).then(
          () => undefined,
          (error: unknown) => {
            thrown = error;
          },
        ),
      { project: "openrouter-gitops", config },
    );
    return { file, thrown, registrations };
  }

  it("gitops: an invalid members file fails the program before anything is registered", async () => {
    const { file, thrown, registrations } = await gitopsOn(
      "workspaces:\n  demo-platform:\n    users: [user_alice, user_alice]\n  demo-research:\n    users: [user_carol]\n",
    );
    expect(thrown).toBeInstanceOf(MembersFileError);
    // Under the CLI a RunError is printed as its message alone, without a stack trace (issue 12).
    expect(RunError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toBe(
      `${file}:3: workspaces.demo-platform.users[1]: "user_alice" is listed twice (first at users[0])`,
    );
    expect(registrations).toEqual([]);
  });

  it("gitops: a typo'd email fails the preview, naming the file, the line, the entry and the nearest known email", async () => {
    const { file, thrown, registrations } = await gitopsOn(
      [
        "workspaces:",
        "  demo-platform:",
        "    users:",
        "      - alice.nakamura@example.com",
        "      - grace.kowalsky@example.com",
        "  demo-research:",
        "    protected: [user_carl]",
        "    users: [user_carol]",
        "",
      ].join("\n"),
    );
    expect(thrown).toBeInstanceOf(MembersFileError);
    expect((thrown as Error).message.split("\n")).toEqual([
      `${file}:5: workspaces.demo-platform.users[1]: "grace.kowalsky@example.com" is no member of the organization (did you mean "grace.kowalski@example.com"?)`,
      `${file}:7: workspaces.demo-research.protected[0]: "user_carl" is no member of the organization (did you mean "user_carol"?)`,
    ]);
    expect(registrations).toEqual([]);
  });

  it("gitops: OPENROUTER_VALIDATE_MEMBERS=false previews offline, with no listing and no key", async () => {
    process.env.OPENROUTER_VALIDATE_MEMBERS = "false";
    try {
      organization.log.clear();
      const { thrown, registrations } = await gitopsOn(
        "workspaces:\n  demo-platform:\n    users: [nobody@example.com]\n",
        {},
      );
      expect(thrown).toBeUndefined();
      expect(membersInputs(registrations)).toEqual({
        "demo-platform": { workspaceId: "demo-platform", userIds: [], emails: ["nobody@example.com"], exclusive: false },
      });
      expect(organization.log.entries).toEqual([]);
    } finally {
      delete process.env.OPENROUTER_VALIDATE_MEMBERS;
    }
  });

  it("exclusive: one authoritative resource with protected users and a removal limit", async () => {
    const registrations = await captureRegistrations(() => void exclusive(), { project: "openrouter-exclusive" });
    expect(membersInputs(registrations)).toEqual({
      research: {
        workspaceId: "demo-research",
        userIds: ["user_carol", "user_dave"],
        exclusive: true,
        protectedUserIds: ["user_grace"],
        maxRemovals: 2,
      },
    });
  });

  it("guardrails: a workspace's members and, depending on them, one guardrail's direct members", async () => {
    const guardrail = "16af95b7-4e8b-4f0a-aaf7-1fd84422e164";
    const registrations = await captureRegistrations(() => void guardrails(), {
      project: "openrouter-guardrails",
      config: { "openrouter-guardrails:guardrail": guardrail },
    });
    expect(membersInputs(registrations)).toEqual({
      platform: { workspaceId: "demo-platform", userIds: ["user_alice", "user_carol"], exclusive: false, maxRemovals: 5 },
    });
    expect(inputsOfType(registrations, GUARDRAIL_MEMBERS_TYPE)).toEqual({
      "production-guardrail": { guardrailId: guardrail, userIds: ["user_alice"], emails: ["carol.lindqvist@example.com"], exclusive: false, maxRemovals: 2 },
    });
  });

  /**
   * Runs the root stack's program, which declares its resources when loaded (as under `pulumi
   * up`), once the people it names are checked: the program's `members` export settles then.
   */
  const runRootProgram = (config: Record<string, unknown>) =>
    captureRegistrations(
      () => {
        let members: Promise<unknown> = Promise.resolve();
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded afresh for each run
          members = (require("../../scripts/root-program") as { members: Promise<unknown> }).members;
        });
        return members.then(() => undefined);
      },
      { project: "openrouter-members", config: reachable(config) },
    );

  it("root stack: the members file named in stack config", async () => {
    const registrations = await runRootProgram({ "openrouter-members:membersFile": GITOPS_MEMBERS_FILE });
    expect(Object.keys(membersInputs(registrations)).sort()).toEqual(["demo-evals", "demo-platform", "demo-research"]);
    expect(workspaceInputs(registrations)).toEqual({ "demo-evals": GITOPS_WORKSPACE });
    expect(membersInputs(registrations)["demo-evals"]?.workspaceId).toBe("demo-evals-id");
    expect(membersInputs(registrations)["demo-research"]).toEqual(GITOPS_MEMBERS["demo-research"]);
  });

  it("root stack: the workspaces declared inline in stack config", async () => {
    const registrations = await runRootProgram({
      "openrouter-members:workspaces": {
        "demo-platform": { users: ["user_alice"], exclusive: true, protected: ["user_bob", "user_erin"] },
      },
    });
    expect(membersInputs(registrations)).toEqual({
      "demo-platform": {
        workspaceId: "demo-platform",
        userIds: ["user_alice"],
        exclusive: true,
        protectedUserIds: ["user_bob", "user_erin"],
      },
    });
  });
});

describe("each example through the plugin against the emulator's demo organization", () => {
  let emulator: Emulator;
  let plugin: PluginProcess;

  beforeAll(async () => {
    await ensureBuilt();
  });

  // A fresh demo organization and plugin per example: each starts from the seeded state.
  beforeEach(async () => {
    emulator = await startEmulator({ seed: "demo" });
    seedDemoOrganization(emulator);
    plugin = await startPluginAgainst(emulator);
  });

  afterEach(async () => {
    await plugin?.stop();
    await emulator?.close();
  });

  it("quickstart: up adopts alice and adds carol and dave beside the others; a second up changes nothing; destroy takes them out", async () => {
    const engine = new Engine(plugin);
    const registrations = await captureRegistrations(() => void quickstart(), { project: "openrouter-quickstart" });
    expect(emulator.memberIds("demo-platform")).toEqual(["user_alice", "user_bob", "user_erin"]);

    expect((await engine.up(registrations)).map((step) => step.op)).toEqual(["create"]);
    expect(emulator.memberIds("demo-platform")).toEqual(["user_alice", "user_bob", "user_carol", "user_dave", "user_erin"]);
    expect(engine.state("platform").outputs.userIds).toEqual(["user_alice", "user_carol", "user_dave"]);
    expect((await engine.up(registrations)).map((step) => step.op)).toEqual(["same"]);

    await engine.destroy();
    expect(emulator.memberIds("demo-platform")).toEqual(["user_bob", "user_erin"]);
  });

  it("guardrails: up adds carol to the workspace, then assigns her and adopts alice's assignment beside erin's; destroy unassigns only them", async () => {
    const engine = new Engine(plugin);
    const guardrail = emulator.memberGuardrailId("demo-platform", "user_alice") as string;
    const aliceAssignment = emulator.guardrailAssignment(guardrail, "user_alice");
    const registrations = await captureRegistrations(() => void guardrails(), {
      project: "openrouter-guardrails",
      config: { "openrouter-guardrails:guardrail": guardrail },
    });

    expect((await engine.up(registrations)).map((step) => step.op)).toEqual(["create", "create"]);
    expect(emulator.memberIds("demo-platform")).toEqual(["user_alice", "user_bob", "user_carol", "user_erin"]);
    expect(emulator.guardrailMemberIds(guardrail)).toEqual(["user_alice", "user_carol", "user_erin"]);
    const outputs = engine.state("production-guardrail").outputs;
    expect(outputs).toMatchObject({ userIds: ["user_alice", "user_carol"], emails: ["carol.lindqvist@example.com"], workspaceId: emulator.workspace("demo-platform")?.id });
    // Adopted as it was, by whoever assigned it.
    expect((outputs.assignments as { userId: string; assignedBy: string | null; id: string }[])[0]).toMatchObject({ userId: "user_alice", assignedBy: "user_grace", id: aliceAssignment?.id });
    expect((await engine.up(registrations)).map((step) => step.op)).toEqual(["same", "same"]);

    await engine.destroy();
    expect(emulator.guardrailMemberIds(guardrail)).toEqual(["user_erin"]);
    expect(emulator.memberIds("demo-platform")).toEqual(["user_bob", "user_erin"]);
  });

  it("gitops: preview with the new workspace's id unknown; up creates it, fills it and the existing two, and sets the budgets in an order the service accepts, and assigns the guardrail once its people are members; destroy unassigns them first, takes the members and budgets out, then deletes it", async () => {
    const engine = new Engine(plugin);
    const registrations = await captureRegistrations(() => gitops(GITOPS_MEMBERS_FILE).then(() => undefined), {
      project: "openrouter-gitops",
      config: { "openrouter:baseUrl": emulator.url, "openrouter:managementKey": emulator.managementKey },
    });
    const evals = registrationNamed(registrations.filter((r) => r.type === WORKSPACE_TYPE), "demo-evals");
    // What the engine sends before the workspace exists (a preview), and once it does (the
    // program's `ws.id` resolved to the UUID the plugin's create returned).
    const withEvalsId = (id: string) =>
      registrations.map((r) => (r.inputs.workspaceId === "demo-evals-id" ? { ...r, inputs: { ...r.inputs, workspaceId: id } } : r));
    emulator.log.clear();

    expect((await engine.preview(withEvalsId(UNKNOWN))).map((step) => step.op)).toEqual(Array(7).fill("create"));
    expect(emulator.log.entries).toEqual([]);

    expect((await engine.up(evals)).map((step) => step.op)).toEqual(["create"]);
    const uuid = engine.state(evals.urn).id;
    expect(emulator.workspace("demo-evals")).toMatchObject({ id: uuid, name: "Demo Evals", default_text_model: "openai/gpt-4o" });
    emulator.log.clear();
    const steps = await engine.up(withEvalsId(uuid));
    expect(Object.fromEntries(steps.map((step) => [step.urn.split(":").slice(-3).join(":"), step.op]))).toEqual({
      "Workspace::demo-evals": "same",
      "WorkspaceMembers::demo-evals": "create",
      "WorkspaceMembers::demo-platform": "create",
      "WorkspaceMembers::demo-research": "create",
      "WorkspaceBudgets::demo-evals": "create",
      "WorkspaceBudgets::demo-platform": "create",
      [`GuardrailMembers::demo-platform/${DEMO_GUARDRAIL_ID}`]: "create",
    });
    // The guardrail's resource ran after demo-platform's members: grace was a member before she was assigned.
    const urns = steps.map((step) => step.urn.split("::").pop());
    expect(urns.indexOf(`demo-platform/${DEMO_GUARDRAIL_ID}`)).toBeGreaterThan(urns.indexOf("demo-platform"));
    expect(emulator.guardrailMemberIds(DEMO_GUARDRAIL_ID)).toEqual(["user_alice", "user_erin", "user_grace"]);
    expect(engine.state(`demo-platform/${DEMO_GUARDRAIL_ID}`).outputs).toMatchObject({
      userIds: ["user_alice", "user_grace"],
      emails: ["alice.nakamura@example.com", "grace.kowalski@example.com"],
    });
    // demo-platform's daily 350 passes its weekly 300: monthly, then weekly, then daily.
    const platformUuid = emulator.workspace("demo-platform")!.id;
    const budgetRequests = (workspaceUuid: string) =>
      emulator.log.entries.filter((entry) => entry.path.includes(`${workspaceUuid}/budgets`)).map((entry) => `${entry.method} ${entry.path.split("/").pop()} ${entry.status}`);
    expect(budgetRequests(platformUuid)).toEqual(["GET budgets 200", "PUT monthly 200", "PUT weekly 200", "PUT daily 200"]);
    expect(emulator.budgets("demo-platform").map((b) => `${b.reset_interval ?? "lifetime"} ${b.limit_usd}`)).toEqual([
      "daily 350",
      "weekly 600",
      "monthly 2000",
      "lifetime 5000",
    ]);
    expect(emulator.budgets(uuid).map((b) => `${b.reset_interval ?? "lifetime"} ${b.limit_usd}`)).toEqual(["daily 25", "monthly 500"]);
    expect(emulator.memberIds("demo-platform")).toEqual(["user_alice", "user_bob", "user_erin", "user_frank", "user_grace"]);
    expect(emulator.memberIds("demo-research")).toEqual(["user_carol", "user_heidi"]);
    expect(emulator.memberIds(uuid)).toEqual(["user_dave", "user_grace"]);
    // People named by email are recorded under their ids, and under the emails the file used.
    expect(engine.state("demo-research").outputs).toMatchObject({
      userIds: ["user_carol", "user_heidi"],
      emails: ["carol.lindqvist@example.com"],
      emailUserIds: { "carol.lindqvist@example.com": "user_carol" },
    });
    // One listing of the organization per create that names emails, and none for the workspace.
    expect(emulator.log.entries.filter((entry) => entry.route === "GET /organization/members")).toHaveLength(4);
    emulator.log.clear();
    // Refresh checks the emails against the directory too: one listing per resource that names some.
    // The Workspace, three WorkspaceMembers, two WorkspaceBudgets and the GuardrailMembers.
    const everyResourceSame = Array(7).fill("same");
    expect((await engine.refresh()).map((step) => step.op)).toEqual(everyResourceSame);
    expect(emulator.log.entries.filter((entry) => entry.route === "GET /organization/members")).toHaveLength(4);
    expect((await engine.preview(withEvalsId(uuid))).map((step) => step.op)).toEqual(everyResourceSame);

    emulator.log.clear();
    await engine.destroy();
    // On the new workspace: its members removed and budgets deleted, then the workspace.
    expect(emulator.log.entries.filter((entry) => entry.path.includes(uuid)).map((entry) => `${entry.method} ${entry.path.split(uuid).pop() || "workspace"} ${entry.status}`)).toEqual([
      "POST /members/remove 200",
      "DELETE /budgets/daily 200",
      "DELETE /budgets/monthly 200",
      "DELETE workspace 200",
    ]);
    expect(emulator.workspace("demo-evals")).toBeUndefined();
    // The guardrail: alice and grace unassigned before they left demo-platform; erin, whom the file does not name, stays.
    expect(emulator.guardrailMemberIds(DEMO_GUARDRAIL_ID)).toEqual(["user_erin"]);
    const onPlatform = (entry: { path: string }) => entry.path.includes(DEMO_GUARDRAIL_ID) || entry.path.includes(platformUuid);
    expect(emulator.log.entries.filter((entry) => entry.method === "POST" && onPlatform(entry)).map((entry) => entry.route)).toEqual([
      "POST /guardrails/:id/assignments/members/remove",
      "POST /workspaces/:id/members/remove",
    ]);
    // demo-platform keeps the budget the file does not manage.
    expect(emulator.budgets("demo-platform").map((b) => `${b.reset_interval ?? "lifetime"} ${b.limit_usd}`)).toEqual(["lifetime 5000"]);
    expect(emulator.memberIds("demo-platform")).toEqual(["user_bob", "user_erin"]);
    expect(emulator.memberIds("demo-research")).toEqual([]);
    // Destroy removes the users the state records: no directory needed.
    expect(emulator.log.entries.filter((entry) => entry.route === "GET /organization/members")).toEqual([]);
  });

  it("exclusive: removes a member added by hand, keeps the protected one, and refuses more removals than maxRemovals", async () => {
    const engine = new Engine(plugin);
    const registrations = await captureRegistrations(() => void exclusive(), { project: "openrouter-exclusive" });

    expect((await engine.up(registrations)).map((step) => step.op)).toEqual(["create"]);
    expect(emulator.memberIds("demo-research")).toEqual(["user_carol", "user_dave"]);

    emulator.addMembers("demo-research", ["user_frank", "user_grace"]);
    await engine.refresh();
    expect((await engine.up(registrations)).map((step) => step.op)).toEqual(["update"]);
    expect(emulator.memberIds("demo-research")).toEqual(["user_carol", "user_dave", "user_grace"]);

    emulator.addMembers("demo-research", ["user_frank", "user_heidi", "user_bob"]);
    await engine.refresh();
    // The refresh recorded the users added by hand, so the preview (check) already names them.
    await expect(engine.preview(registrations)).rejects.toThrow(
      'maxRemovals: this change to workspace "demo-research" would remove 3 users (user_bob, user_frank, user_heidi), more than maxRemovals (2)',
    );
    expect(emulator.memberIds("demo-research")).toEqual(["user_bob", "user_carol", "user_dave", "user_frank", "user_grace", "user_heidi"]);

    emulator.removeMembers("demo-research", ["user_frank", "user_heidi", "user_bob"]);
    await engine.refresh();
    await engine.destroy();
    expect(emulator.memberIds("demo-research")).toEqual(["user_grace"]);
  });
});
