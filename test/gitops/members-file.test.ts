import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { MembersFileError, type MembersFileProblem } from "../../provider/core/errors";
import { declareMembers, declareWorkspaces } from "../../provider/gitops/declare";
import { loadMembersFile, loadMembersFromConfig, parseMembersFile, validateMembers } from "../../provider/gitops/load";
import type { MembersFile } from "../../provider/gitops/validate";
import { captureRegistrations, type Registration } from "../engine/harness";
import { inFreshProcess } from "../support/fresh-process";
import { yamlLines } from "../support/members-file";

/** The problems `parse` throws, or fails the test when it does not throw. */
function problemsOf(parse: () => unknown): { message: string; problems: readonly MembersFileProblem[] } {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof MembersFileError)) throw error;
    return { message: error.message, problems: error.problems };
  }
  throw new Error("expected a MembersFileError, but the members parsed");
}


/** A file's entries without `people` (where each person stands: test/gitops/people.test.ts covers it). */
const entriesOf = (file: MembersFile) => file.workspaces.map(({ people: _people, ...entry }) => entry);

describe("a valid members file", () => {
  it("yields one entry per workspace, in the file's order, with defaults filled in", () => {
    const file = parseMembersFile(
      yamlLines(
        "workspaces:",
        "  platform:",
        "    users: [user_alice, user_bob]",
        "    maxRemovals: 5",
        "  ml-research:",
        "    exclusive: true",
        "    protected: [user_root]",
        "    users:",
        "      - user_carol",
        "  billing:",
        "    workspaceId: 7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01",
        "    users: []",
      ),
      "members.yaml",
    );

    expect(file.source).toBe("members.yaml");
    expect(entriesOf(file)).toEqual([
      {
        key: "platform",
        workspaceId: "platform",
        userIds: ["user_alice", "user_bob"],
        emails: [],
        exclusive: false,
        protectedUserIds: [],
        maxRemovals: 5,
      },
      {
        key: "ml-research",
        workspaceId: "ml-research",
        userIds: ["user_carol"],
        emails: [],
        exclusive: true,
        protectedUserIds: ["user_root"],
      },
      {
        key: "billing",
        workspaceId: "7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01",
        userIds: [],
        emails: [],
        exclusive: false,
        protectedUserIds: [],
      },
    ]);
  });

  it("accepts a workspace UUID as the key and YAML anchors shared between workspaces", () => {
    const file = parseMembersFile(
      yamlLines(
        "workspaces:",
        "  7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01:",
        "    users: &admins [user_alice, user_bob]",
        "  platform:",
        "    users: *admins",
      ),
      "members.yaml",
    );
    expect(file.workspaces.map((entry) => [entry.workspaceId, entry.userIds])).toEqual([
      ["7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01", ["user_alice", "user_bob"]],
      ["platform", ["user_alice", "user_bob"]],
    ]);
  });

  it("reads a file from disk, naming it by the path given", () => {
    const dir = mkdtempSync(join(tmpdir(), "members-file-"));
    const path = join(dir, "members.yaml");
    writeFileSync(path, yamlLines("workspaces:", "  platform:", "    users: [user_alice]"));
    const file = loadMembersFile(path);
    expect(file.source).toBe(path);
    expect(entriesOf(file)).toEqual([
      { key: "platform", workspaceId: "platform", userIds: ["user_alice"], emails: [], exclusive: false, protectedUserIds: [] },
    ]);
  });

  it("validates plain data from stack config by the same rules", () => {
    const file = validateMembers(
      { workspaces: { platform: { users: ["user_alice"], exclusive: false } } },
      "stack config openrouter-members:workspaces",
    );
    expect(file.workspaces[0]).toMatchObject({ key: "platform", userIds: ["user_alice"] });

    const { message } = problemsOf(() =>
      validateMembers({ workspaces: { platform: { users: ["user_alice", "user_alice"] } } }, "stack config workspaces"),
    );
    expect(message).toBe(
      'stack config workspaces: workspaces.platform.users[1]: "user_alice" is listed twice (first at users[0])',
    );
  });
});

describe("every problem names the file, the line, the workspace and the entry", () => {
  it("names a user listed twice, with both positions and the line of the repeat", () => {
    const { message, problems } = problemsOf(() =>
      parseMembersFile(
        yamlLines(
          "workspaces:",
          "  platform:",
          "    users:",
          "      - user_alice",
          "      - user_bob",
          "      - user_carol",
          "      - user_bob",
        ),
        "members.yaml",
      ),
    );
    expect(message).toBe('members.yaml:7: workspaces.platform.users[3]: "user_bob" is listed twice (first at users[1])');
    expect(problems).toEqual([
      { path: "workspaces.platform.users[3]", line: 7, message: '"user_bob" is listed twice (first at users[1])' },
    ]);
  });

  it.each([
    ["a blank id", '""', 'workspaces.platform.users[1]: is blank: ""'],
    ["spaces only", '"   "', 'workspaces.platform.users[1]: is blank: "   "'],
    ["surrounding whitespace", '" user_bob"', 'workspaces.platform.users[1]: has leading or trailing whitespace: " user_bob"'],
    ["a reserved prefix", "__proto__", 'workspaces.platform.users[1]: starts with "__", which is reserved: "__proto__"'],
    ["a number", "42", "workspaces.platform.users[1]: must be a user id or an email (a string), got 42"],
    ["an empty YAML value", "", "workspaces.platform.users[1]: must be a user id or an email (a string), got null"],
  ])("refuses %s as a user id", (_what, yamlValue, expected) => {
    const { message } = problemsOf(() =>
      parseMembersFile(yamlLines("workspaces:", "  platform:", "    users:", "      - user_alice", `      - ${yamlValue}`), "m.yaml"),
    );
    expect(message).toBe(`m.yaml:5: ${expected}`);
  });

  it("refuses unknown keys, suggesting the one meant (userIds for users, as the resource's check does)", () => {
    const { message } = problemsOf(() =>
      parseMembersFile(
        yamlLines("workspace:", "  platform: {}", "workspaces:", "  platform:", "    userIds: [user_alice]", "    users: []", "    maxremovals: 3"),
        "members.yaml",
      ),
    );
    expect(message.split("\n")).toEqual([
      'members.yaml:1: workspace: unknown key "workspace": did you mean "workspaces"? (the keys are workspaces)',
      'members.yaml:5: workspaces.platform.userIds: unknown key "userIds": did you mean "users"? (the keys are users, exclusive, protected, maxRemovals, workspaceId, workspace, budgets, guardrails, retainOnDelete)',
      'members.yaml:7: workspaces.platform.maxremovals: unknown key "maxremovals": did you mean "maxRemovals"? (the keys are users, exclusive, protected, maxRemovals, workspaceId, workspace, budgets, guardrails, retainOnDelete)',
    ]);
  });

  it("refuses values of the wrong type, each at its own line", () => {
    const { message } = problemsOf(() =>
      parseMembersFile(
        yamlLines(
          "workspaces:",
          "  platform:",
          "    users: user_alice",
          "    exclusive: yes",
          "    maxRemovals: -1",
          "    protected: {user_root: true}",
          "  ml-research:",
          "    users:",
          "    maxRemovals: 2.5",
          "  billing: [user_alice]",
        ),
        "members.yaml",
      ),
    );
    expect(message.split("\n")).toEqual([
      'members.yaml:3: workspaces.platform.users: must be a list of user ids or emails, got the string "user_alice"',
      "members.yaml:6: workspaces.platform.protected: must be a list of user ids, got an object",
      'members.yaml:4: workspaces.platform.exclusive: must be true or false, got the string "yes"',
      "members.yaml:5: workspaces.platform.maxRemovals: must be a whole number, 0 or more, got -1",
      'members.yaml:8: workspaces.ml-research.users: must be a list of user ids or emails, got null (write "users: []" for none)',
      "members.yaml:9: workspaces.ml-research.maxRemovals: must be a whole number, 0 or more, got 2.5",
      'members.yaml:10: workspaces.billing: must be a mapping with a "users:" list, got a list of 1 entry',
    ]);
  });

  it("refuses an entry without users, a key that is no workspace id, and two entries on one workspace", () => {
    const { message } = problemsOf(() =>
      parseMembersFile(
        yamlLines(
          "workspaces:",
          "  platform:",
          "    exclusive: true",
          "  Platform Team:",
          "    users: []",
          "  ops:",
          "    users: [user_alice]",
          "  ops-again:",
          "    workspaceId: ops",
          "    users: [user_bob]",
        ),
        "members.yaml",
      ),
    );
    expect(message.split("\n")).toEqual([
      'members.yaml:2: workspaces.platform: has no "users:" list (write "users: []" to manage nobody yet)',
      'members.yaml:4: workspaces["Platform Team"]: "Platform Team" is neither a workspace UUID nor a slug (lowercase letters and digits in segments joined by single hyphens, e.g. "ml-research")',
      'members.yaml:9: workspaces.ops-again.workspaceId: workspace "ops" is already declared by workspaces.ops; list its users in one entry',
    ]);
  });

  it("refuses a document that is not a mapping of workspaces", () => {
    expect(problemsOf(() => parseMembersFile("", "members.yaml")).message).toBe(
      'members.yaml: must be a mapping with a "workspaces:" key, got null',
    );
    expect(problemsOf(() => parseMembersFile("- user_alice\n", "members.yaml")).message).toBe(
      'members.yaml: must be a mapping with a "workspaces:" key, got a list of 1 entry',
    );
    expect(problemsOf(() => parseMembersFile("workspaces: [platform]\n", "members.yaml")).message).toBe(
      "members.yaml:1: workspaces: must be a mapping of workspace slug or UUID to its members, got a list of 1 entry",
    );
  });

  it("reports YAML syntax errors and repeated keys with their line", () => {
    const repeated = problemsOf(() =>
      parseMembersFile(yamlLines("workspaces:", "  platform:", "    users: []", "  platform:", "    users: [user_bob]"), "members.yaml"),
    );
    expect(repeated.problems).toEqual([
      { path: "workspaces.platform", line: 4, message: "this workspace is declared twice (first at line 2): keep one entry with all its users" },
    ]);
    expect(repeated.message).toBe(
      "members.yaml:4: workspaces.platform: this workspace is declared twice (first at line 2): keep one entry with all its users",
    );

    const broken = problemsOf(() => parseMembersFile(yamlLines("workspaces:", "  platform:", "    users: [user_alice"), "members.yaml"));
    expect(broken.message).toMatch(/^members\.yaml:\d+: not valid YAML: /);
  });

  it("reports a missing file and a directory by the path given", () => {
    const dir = mkdtempSync(join(tmpdir(), "members-file-"));
    const missing = join(dir, "members.yaml");
    expect(problemsOf(() => loadMembersFile(missing)).message).toBe(`${missing}: cannot read the members file: no such file`);
    mkdirSync(join(dir, "folder.yaml"));
    expect(problemsOf(() => loadMembersFile(join(dir, "folder.yaml"))).message).toBe(
      `${join(dir, "folder.yaml")}: cannot read the members file: is a directory`,
    );
  });
});

describe("a workspace: block creates the workspace (issue 7)", () => {
  it("takes the Workspace's inputs and protect, with the slug from the key unless the block sets one", () => {
    const file = parseMembersFile(
      yamlLines(
        "workspaces:",
        "  evals:",
        "    workspace:",
        "      name: Evals",
        "      description: Model evaluations",
        "      defaultTextModel: openai/gpt-4o",
        "      disabledServerTools: [web_search]",
        "      protect: true",
        "    users: [user_dave]",
        "  ml-team:",
        "    workspace: { name: ML, slug: ml-research }",
        "    exclusive: true",
        "    users: []",
      ),
      "members.yaml",
    );
    expect(entriesOf(file)).toEqual([
      {
        key: "evals",
        workspaceId: "evals",
        userIds: ["user_dave"],
        emails: [],
        exclusive: false,
        protectedUserIds: [],
        workspace: {
          args: {
            name: "Evals",
            slug: "evals",
            description: "Model evaluations",
            defaultTextModel: "openai/gpt-4o",
            disabledServerTools: ["web_search"],
          },
          protect: true,
        },
      },
      {
        key: "ml-team",
        workspaceId: "ml-research",
        userIds: [],
        emails: [],
        exclusive: true,
        protectedUserIds: [],
        workspace: { args: { name: "ML", slug: "ml-research" }, protect: false },
      },
    ]);
  });

  it("refuses what the Workspace resource's check refuses, at the field's line, plus a bad protect", () => {
    const { message } = problemsOf(() =>
      parseMembersFile(
        yamlLines(
          "workspaces:",
          "  evals:",
          "    users: []",
          "    workspace:",
          "      description: no name",
          "      defaultTextModel: \"  \"",
          "      ioLoggingSamplingRate: 5",
          "      disabledServerTools: [web_search, \"\"]",
          "      protect: yes",
          "      descripton: typo",
        ),
        "members.yaml",
      ),
    );
    expect(message.split("\n")).toEqual([
      'members.yaml:10: workspaces.evals.workspace.descripton: unknown key "descripton": did you mean "description"? (the keys are ' +
        "name, slug, description, defaultTextModel, defaultImageModel, defaultProviderSort, ioLoggingSamplingRate, " +
        "ioLoggingApiKeyIds, isDataDiscountLoggingEnabled, isObservabilityBroadcastEnabled, isObservabilityIoLoggingEnabled, " +
        "disabledServerTools, protect)",
      // No "name:" in the block: the line is the block's.
      "members.yaml:4: workspaces.evals.workspace.name: is required",
      'members.yaml:6: workspaces.evals.workspace.defaultTextModel: must not be blank, got the string "  "',
      "members.yaml:7: workspaces.evals.workspace.ioLoggingSamplingRate: must be from 0.0001 to 1, got 5",
      'members.yaml:8: workspaces.evals.workspace.disabledServerTools[1]: must not be blank, got the string ""',
      'members.yaml:9: workspaces.evals.workspace.protect: must be true or false, got the string "yes"',
    ]);
  });

  it("refuses a key or slug the Workspace would refuse, a UUID, workspaceId beside the block, and a block that is no mapping", () => {
    const { message } = problemsOf(() =>
      parseMembersFile(
        yamlLines(
          "workspaces:",
          "  Evals Team:",
          "    workspace: { name: Evals }",
          "    users: []",
          "  label:",
          "    workspace: { name: Label, slug: Not_A_Slug }",
          "    users: []",
          "  7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01:",
          "    workspace: { name: Id }",
          "    users: []",
          "  ops:",
          "    workspaceId: ops",
          "    workspace: { name: Ops }",
          "    users: []",
          "  billing:",
          "    workspace: Billing",
          "    users: []",
        ),
        "members.yaml",
      ),
    );
    expect(message.split("\n")).toEqual([
      'members.yaml:2: workspaces["Evals Team"]: slug must be lowercase letters and digits in segments joined by single hyphens, ' +
        'e.g. "ml-platform", got the string "Evals Team"',
      'members.yaml:6: workspaces.label.workspace.slug: must be lowercase letters and digits in segments joined by single hyphens, ' +
        'e.g. "ml-platform", got the string "Not_A_Slug"',
      'members.yaml:8: workspaces.7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01: a workspace created here is named by a slug (e.g. "ml-research"), ' +
        'not a UUID: "7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01"',
      'members.yaml:12: workspaces.ops.workspaceId: names an existing workspace, but "workspace:" creates one; drop workspaceId ' +
        '(a "slug:" in the block gives the new workspace a slug other than the key)',
      'members.yaml:16: workspaces.billing.workspace: must be a mapping of the new workspace\'s settings, with at least "name:", got the string "Billing"',
    ]);
  });

  it("refuses an entry for the workspace another entry creates, and suggests workspace for workspaces", () => {
    const { message } = problemsOf(() =>
      parseMembersFile(
        yamlLines(
          "workspaces:",
          "  evals:",
          "    users: [user_dave]",
          "  evals-team:",
          "    workspace: { name: Evals, slug: evals }",
          "    users: []",
          "  ops:",
          "    workspaces: { name: Ops }",
          "    users: []",
        ),
        "members.yaml",
      ),
    );
    expect(message.split("\n")).toEqual([
      'members.yaml:5: workspaces.evals-team.workspace.slug: workspace "evals" is already declared by workspaces.evals; list its users in one entry',
      'members.yaml:8: workspaces.ops.workspaces: unknown key "workspaces": did you mean "workspace"? ' +
        "(the keys are users, exclusive, protected, maxRemovals, workspaceId, workspace, budgets, guardrails, retainOnDelete)",
    ]);
  });

  it("is checked the same way in stack config", () => {
    expect(
      problemsOf(() => validateMembers({ workspaces: { evals: { users: [], workspace: { name: "Evals", slug: "" } } } }, "stack config x"))
        .message,
    ).toBe(
      'stack config x: workspaces.evals.workspace.slug: must be lowercase letters and digits in segments joined by single hyphens, ' +
        'e.g. "ml-platform", got the string ""',
    );
  });
});

describe("declaring the resources (under setMocks)", () => {
  const file = parseMembersFile(
    yamlLines(
      "workspaces:",
      "  evals:",
      "    workspace: { name: Evals, protect: true }",
      "    users: [user_dave]",
      "  scratch:",
      "    workspace: { name: Scratch }",
      "    users: []",
      "  ops:",
      "    users: [user_alice]",
      "  platform:",
      "    users: [user_bob]",
    ),
    "members.yaml",
  );

  /** `type::name` of a registration: both a Workspace and a WorkspaceMembers bear an entry's key. */
  const typeAndName = (r: { type: string; name: string }) => `${r.type.split(":").pop()}::${r.name}`;
  const inputsOf = (registrations: Registration[]) =>
    Object.fromEntries(
      registrations.map((r) => {
        const { __provider: _provider, ...inputs } = r.inputs;
        return [typeAndName(r), inputs];
      }),
    );

  /** Runs `declare` under mocks, recording the `protect` option each resource was given. */
  async function capture(declare: (options: { resourceOptions: pulumi.CustomResourceOptions }) => void) {
    const protect: Record<string, boolean | undefined> = {};
    const resourceOptions: pulumi.CustomResourceOptions = {
      transformations: [
        (args) => {
          protect[typeAndName(args)] = args.opts.protect;
          return undefined;
        },
      ],
    };
    const registrations = await captureRegistrations(() => declare({ resourceOptions }));
    return { registrations, protect };
  }

  it("creates a Workspace per block, protected as the block says, whose id the entry's members take", async () => {
    const { registrations, protect } = await capture(({ resourceOptions }) => {
      const declared = declareWorkspaces(file, {
        resourceOptions,
        workspaceIdFor: (entry) => `${entry.workspaceId}-from-option`,
      });
      expect(Object.keys(declared.workspaces)).toEqual(["evals", "scratch"]);
      expect(Object.keys(declared.members)).toEqual(["evals", "scratch", "ops", "platform"]);
    });
    expect(inputsOf(registrations)).toEqual({
      "Workspace::evals": { name: "Evals", slug: "evals" },
      "Workspace::scratch": { name: "Scratch", slug: "scratch" },
      // The mocks' ids of the Workspaces: workspaceIdFor is not asked for entries with a block.
      "WorkspaceMembers::evals": { workspaceId: "evals-id", userIds: ["user_dave"], exclusive: false },
      "WorkspaceMembers::scratch": { workspaceId: "scratch-id", userIds: [], exclusive: false },
      "WorkspaceMembers::ops": { workspaceId: "ops-from-option", userIds: ["user_alice"], exclusive: false },
      "WorkspaceMembers::platform": { workspaceId: "platform-from-option", userIds: ["user_bob"], exclusive: false },
    });
    expect(protect).toEqual({
      "Workspace::evals": true,
      "Workspace::scratch": undefined,
      "WorkspaceMembers::evals": undefined,
      "WorkspaceMembers::scratch": undefined,
      "WorkspaceMembers::ops": undefined,
      "WorkspaceMembers::platform": undefined,
    });
  });

  it("keeps a protect given in resourceOptions on every resource, and declareMembers declares the workspaces too", async () => {
    const { registrations, protect } = await capture(({ resourceOptions }) => {
      const members = declareMembers(file, { resourceOptions: { ...resourceOptions, protect: true } });
      expect(Object.keys(members)).toEqual(["evals", "scratch", "ops", "platform"]);
    });
    expect(registrations.map(typeAndName).sort()).toEqual([
      "Workspace::evals",
      "Workspace::scratch",
      "WorkspaceMembers::evals",
      "WorkspaceMembers::ops",
      "WorkspaceMembers::platform",
      "WorkspaceMembers::scratch",
    ]);
    expect(Object.values(protect)).toEqual(Array(6).fill(true));
  });
});

describe("retainOnDelete: what deleting an entry leaves in the organization (issue 20)", () => {
  const file = parseMembersFile(
    yamlLines(
      "workspaces:",
      "  platform:            # adopted by an export",
      "    retainOnDelete: true",
      "    users: [user_alice]",
      "    budgets: { monthly: 100 }",
      "    guardrails: { 16af95b7-4e8b-4f0a-aaf7-1fd84422e164: [user_alice] }",
      "  evals:",
      "    workspace: { name: Evals }",
      "    retainOnDelete: true",
      "    users: []",
      "  ops:",
      "    retainOnDelete: false",
      "    users: [user_bob]",
      "  scratch:",
      "    users: [user_carol]",
    ),
    "members.yaml",
  );

  it("is read as given, and absent when not given", () => {
    expect(file.workspaces.map((entry) => [entry.key, entry.retainOnDelete])).toEqual([
      ["platform", true],
      ["evals", true],
      ["ops", false],
      ["scratch", undefined],
    ]);
    expect(problemsOf(() => parseMembersFile(yamlLines("workspaces:", "  ops:", "    retainOnDelete: yes", "    users: []"), "members.yaml")).message).toBe(
      'members.yaml:3: workspaces.ops.retainOnDelete: must be true or false, got the string "yes"',
    );
  });

  it("puts Pulumi's retainOnDelete on every resource of the entry, over resourceOptions", async () => {
    const retained = async (resourceOptions: pulumi.CustomResourceOptions) => {
      const registrations = await captureRegistrations(() => void declareWorkspaces(file, { resourceOptions }));
      return Object.fromEntries(registrations.map((r) => [`${r.type.split(":").pop()}::${r.name}`, r.retainOnDelete ?? false]));
    };
    expect(await retained({})).toEqual({
      "WorkspaceMembers::platform": true,
      "WorkspaceBudgets::platform": true,
      "GuardrailMembers::platform/16af95b7-4e8b-4f0a-aaf7-1fd84422e164": true,
      "Workspace::evals": true,
      "WorkspaceMembers::evals": true,
      "WorkspaceMembers::ops": false,
      "WorkspaceMembers::scratch": false,
    });
    expect(await retained({ retainOnDelete: true })).toMatchObject({ "WorkspaceMembers::ops": false, "WorkspaceMembers::scratch": true });
  });
});

describe("members from stack config (the root stack)", () => {
  /** Stack config as `pulumi.Config` presents it: structured values as parsed JSON. */
  const stackConfig = (values: Record<string, unknown>) => ({
    name: "openrouter-members",
    get: (key: string) => values[key] as string | undefined,
    getObject: <T>(key: string) => values[key] as T | undefined,
  });

  it("reads the workspaces declared inline, naming the config in errors", () => {
    const file = loadMembersFromConfig(stackConfig({ workspaces: { "demo-platform": { users: ["user_alice"] } } }));
    expect(file.source).toBe("stack config openrouter-members");
    expect(entriesOf(file)).toEqual([
      { key: "demo-platform", workspaceId: "demo-platform", userIds: ["user_alice"], emails: [], exclusive: false, protectedUserIds: [] },
    ]);
    expect(
      problemsOf(() => loadMembersFromConfig(stackConfig({ workspaces: { "demo-platform": { users: [""] } } }))).message,
    ).toBe('stack config openrouter-members: workspaces.demo-platform.users[0]: is blank: ""');
  });

  it("reads the file named by membersFile", () => {
    const dir = mkdtempSync(join(tmpdir(), "members-file-"));
    const path = join(dir, "team.yaml");
    writeFileSync(path, yamlLines("workspaces:", "  demo-research:", "    users: [user_carol]"));
    expect(entriesOf(loadMembersFromConfig(stackConfig({ membersFile: path })))).toEqual([
      { key: "demo-research", workspaceId: "demo-research", userIds: ["user_carol"], emails: [], exclusive: false, protectedUserIds: [] },
    ]);
  });

  it("refuses both sources at once, and says how to set one when the default file is missing", () => {
    expect(
      problemsOf(() => loadMembersFromConfig(stackConfig({ workspaces: {}, membersFile: "members.yaml" }))).message,
    ).toBe('stack config openrouter-members: "workspaces" and "membersFile" are both set; keep one');
    // The tests run at the repository's root, which has no members.yaml.
    expect(problemsOf(() => loadMembersFromConfig(stackConfig({}))).message).toBe(
      `members.yaml: no such file in ${process.cwd()}; set "openrouter-members:membersFile" to the members file's path, ` +
        'or declare the members inline in "openrouter-members:workspaces"',
    );
  });
});

describe("importing the package", () => {
  it("loads no YAML parser until a members file is parsed, and no zod until a file creates a workspace", () => {
    const steps = inFreshProcess([
      'const openrouter = require("./provider/index.ts");',
      "const steps = [{ yaml: loaded(\"yaml\"), zod: loaded(\"zod\") }];",
      'openrouter.parseMembersFile("workspaces: {platform: {users: []}}", "members.yaml");',
      "steps.push({ yaml: loaded(\"yaml\"), zod: loaded(\"zod\") });",
      'openrouter.parseMembersFile("workspaces: {evals: {users: [], workspace: {name: Evals}}}", "members.yaml");',
      "steps.push({ yaml: loaded(\"yaml\"), zod: loaded(\"zod\") });",
      "process.stdout.write(JSON.stringify(steps));",
    ]);
    expect(steps).toEqual([
      { yaml: false, zod: false },
      { yaml: true, zod: false },
      { yaml: true, zod: true },
    ]);
  });
});
