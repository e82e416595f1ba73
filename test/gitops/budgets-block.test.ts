/**
 * The members file's `budgets:` block (issue 17): checked by the WorkspaceBudgets resource's
 * own rules, every problem at its file, line and entry; declared as a WorkspaceBudgets named
 * by the entry's key, pointing at the workspace the entry names or creates.
 */
import { declareWorkspaces } from "../../provider/gitops/declare";
import { parseMembersFile, validateMembers } from "../../provider/gitops/load";
import { captureRegistrations } from "../engine/harness";
import { messageOf, yamlLines } from "../support/members-file";
import { inFreshProcess } from "../support/fresh-process";

describe("a budgets: block", () => {
  it("holds the WorkspaceBudgets inputs it sets, null included (delete that budget); an entry without one has none", () => {
    const file = parseMembersFile(
      yamlLines(
        "workspaces:",
        "  platform:",
        "    users: [user_alice]",
        "    budgets:",
        "      monthly: 1500",
        "      weekly: 400",
        "      daily: ~",
        "      includeByokInBudgets: true",
        "  research:",
        "    users: []",
        "  handed-back:",
        "    users: []",
        "    budgets: {}",
      ),
      "members.yaml",
    );
    expect(file.workspaces.map((entry) => [entry.key, entry.budgets])).toEqual([
      ["platform", { monthly: 1500, weekly: 400, daily: null, includeByokInBudgets: true }],
      ["research", undefined],
      ["handed-back", {}],
    ]);
  });

  it("refuses what the resource's check refuses, each at the field's line, and an unknown key suggesting the one meant", () => {
    expect(
      messageOf(() =>
        parseMembersFile(
          yamlLines(
            "workspaces:",
            "  platform:",
            "    users: []",
            "    budgets:",
            "      daily: 500",
            "      weekly: 400",
            "      monthly: -3",
            "      lifetme: 9000",
            "      workspaceId: other",
            "  research:",
            "    users: []",
            "    budgets: [100]",
            "  evals:",
            "    users: []",
            '    budgets: { daily: "ten", includeByokInBudgets: yes }',
          ),
          "members.yaml",
        ),
      ),
    ).toEqual([
      'members.yaml:8: workspaces.platform.budgets.lifetme: unknown key "lifetme": did you mean "lifetime"? (the keys are daily, weekly, monthly, lifetime, includeByokInBudgets)',
      'members.yaml:9: workspaces.platform.budgets.workspaceId: unknown key "workspaceId": the keys are daily, weekly, monthly, lifetime, includeByokInBudgets',
      "members.yaml:7: workspaces.platform.budgets.monthly: must be a limit in US dollars above 0, or null to delete the monthly budget, got -3",
      "members.yaml:5: workspaces.platform.budgets.daily: is out of order: weekly (400 USD) must be greater than daily (500 USD); limits must strictly decrease as the interval narrows (lifetime > monthly > weekly > daily)",
      "members.yaml:12: workspaces.research.budgets: must be a mapping of interval (daily, weekly, monthly, lifetime) to a limit in US dollars, got a list of 1 entry",
      'members.yaml:15: workspaces.evals.budgets.daily: must be a limit in US dollars above 0, or null to delete the daily budget, got the string "ten"',
      'members.yaml:15: workspaces.evals.budgets.includeByokInBudgets: must be true or false, got the string "yes"',
    ]);
  });

  it("is checked the same way in stack config", () => {
    expect(messageOf(() => validateMembers({ workspaces: { platform: { users: [], budgets: { weekly: 0 } } } }, "stack config x"))).toEqual([
      "stack config x: workspaces.platform.budgets.weekly: must be a limit in US dollars above 0, or null to delete the weekly budget, got 0",
    ]);
  });
});

describe("declaring the budgets (under setMocks)", () => {
  it("declares a WorkspaceBudgets per block, named by the key, on the workspace the entry names or creates", async () => {
    const file = parseMembersFile(
      yamlLines(
        "workspaces:",
        "  evals:",
        "    workspace: { name: Evals }",
        "    users: []",
        "    budgets: { monthly: 500, daily: 25 }",
        "  platform:",
        "    workspaceId: 5f0c6a3e-8f6e-4a57-9a51-0d6c2b1f7e11",
        "    users: []",
        "    budgets: { lifetime: null }",
        "  research:",
        "    users: []",
      ),
      "members.yaml",
    );
    const registrations = await captureRegistrations(() => {
      const declared = declareWorkspaces(file);
      expect(Object.keys(declared.budgets)).toEqual(["evals", "platform"]);
    });
    const budgets = registrations
      .filter((r) => r.type.endsWith(":WorkspaceBudgets"))
      .map((r) => {
        const { __provider: _provider, ...inputs } = r.inputs;
        return [r.name, inputs];
      })
      // The one on a created workspace registers once that workspace's id is known.
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(budgets).toEqual([
      ["evals", { workspaceId: "evals-id", monthly: 500, daily: 25 }],
      ["platform", { workspaceId: "5f0c6a3e-8f6e-4a57-9a51-0d6c2b1f7e11", lifetime: null }],
    ]);
  });
});

describe("importing the package", () => {
  it("loads neither zod nor the budget rules until a file sets budgets, and no zod even then", () => {
    const steps = inFreshProcess([
      'const openrouter = require("./provider/index.ts");',
      'const rules = () => Object.keys(require.cache).some((path) => path.endsWith("budgets/inputs.ts"));',
      'openrouter.parseMembersFile("workspaces: {platform: {users: []}}", "members.yaml");',
      'const steps = [{ rules: rules(), zod: loaded("zod") }];',
      'openrouter.parseMembersFile("workspaces: {platform: {users: [], budgets: {daily: 5}}}", "members.yaml");',
      'steps.push({ rules: rules(), zod: loaded("zod") });',
      "process.stdout.write(JSON.stringify(steps));",
    ]);
    expect(steps).toEqual([
      { rules: false, zod: false },
      { rules: true, zod: false },
    ]);
  });
});
