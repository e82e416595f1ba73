/**
 * The members file's `guardrails:` block (issue 17): each guardrail's direct members, named
 * as the entry's `users:` names them; every problem at its file, line and entry; declared as
 * one GuardrailMembers per guardrail, depending on the entry's WorkspaceMembers.
 */
import { declareWorkspaces } from "../../provider/gitops/declare";
import { parseMembersFile, validateMembers } from "../../provider/gitops/load";
import { captureRegistrations } from "../engine/harness";
import { messageOf, yamlLines } from "../support/members-file";

const PRODUCTION = "16af95b7-4e8b-4f0a-aaf7-1fd84422e164";
const STAGING = "0b7f4c1e-2d3a-4f5b-8c6d-7e8f9a0b1c2d";
const RESEARCH = "5f0c6a3e-8f6e-4a57-9a51-0d6c2b1f7e11";

describe("a guardrails: block", () => {
  it("holds each guardrail's people, by id and by email, in the file's order; an entry without one has none", () => {
    const file = parseMembersFile(
      yamlLines(
        "workspaces:",
        "  platform:",
        "    users: [user_alice, Carol@Example.com, user_dave]",
        "    guardrails:",
        `      ${PRODUCTION}: [user_alice, carol@example.com]`,
        `      ${STAGING}: []`,
        "  research:",
        "    users: [user_alice]",
      ),
      "members.yaml",
    );
    expect(file.workspaces.map((entry) => [entry.key, entry.guardrails])).toEqual([
      [
        "platform",
        [
          { guardrailId: PRODUCTION, userIds: ["user_alice"], emails: ["carol@example.com"], path: `workspaces.platform.guardrails.${PRODUCTION}`, line: 5 },
          { guardrailId: STAGING, userIds: [], emails: [], path: `workspaces.platform.guardrails.${STAGING}`, line: 6 },
        ],
      ],
      ["research", undefined],
    ]);
    // The people under guardrails are those of users:, which the organization check reads.
    expect(file.workspaces[0]!.people.map((person) => person.value)).toEqual(["user_alice", "Carol@Example.com", "user_dave"]);
  });

  it("refuses a bad id, a bad list, a person not in users:, one listed twice, and one under two guardrails of the workspace, each at its line", () => {
    expect(
      messageOf(() =>
        parseMembersFile(
          yamlLines(
            "workspaces:",
            "  platform:",
            "    users: [user_alice, bob@example.com, user_carol]",
            "    guardrails:",
            "      production: [user_alice]",
            `      ${PRODUCTION}: [user_alice, user_erin, user_alice, 7]`,
            `      ${STAGING}: [BOB@example.com, user_alice]`,
            `      ${RESEARCH}: ~`,
            "  research:",
            "    users: []",
            "    guardrails: [user_alice]",
          ),
          "members.yaml",
        ),
      ),
    ).toEqual([
      'members.yaml:5: workspaces.platform.guardrails.production: "production" is not a guardrail UUID (such as "0b7f4c1e-2d3a-4f5b-8c6d-7e8f9a0b1c2d")',
      `members.yaml:6: workspaces.platform.guardrails.${PRODUCTION}[2]: "user_alice" is listed twice (first at ${PRODUCTION}[0])`,
      `members.yaml:6: workspaces.platform.guardrails.${PRODUCTION}[3]: must be a user id or an email (a string), got 7`,
      `members.yaml:6: workspaces.platform.guardrails.${PRODUCTION}[1]: "user_erin" is not in the entry's "users:" list; only the workspace's members can be assigned to its guardrails, so list them there too`,
      `members.yaml:7: workspaces.platform.guardrails.${STAGING}[1]: "user_alice" is also under guardrail ${PRODUCTION} (at ${PRODUCTION}[0]); a member has one guardrail per workspace: list them under one`,
      `members.yaml:8: workspaces.platform.guardrails.${RESEARCH}: must be a list of user ids or emails, got null (write "${RESEARCH}: []" for none)`,
      'members.yaml:11: workspaces.research.guardrails: must be a mapping of guardrail UUID to the users assigned to it (user ids or emails of "users:"), got a list of 1 entry',
    ]);
  });

  it("refuses one guardrail under two entries, naming both lines", () => {
    expect(
      messageOf(() =>
        parseMembersFile(
          yamlLines(
            "workspaces:",
            "  platform:",
            "    users: [user_alice]",
            "    guardrails:",
            `      ${PRODUCTION}: [user_alice]`,
            "  research:",
            "    users: [user_bob]",
            "    guardrails:",
            `      ${PRODUCTION.toUpperCase()}: [user_bob]`,
          ),
          "members.yaml",
        ),
      ),
    ).toEqual([
      `members.yaml:9: workspaces.research.guardrails.${PRODUCTION.toUpperCase()}: guardrail "${PRODUCTION.toUpperCase()}" is already declared at line 5 (workspaces.platform.guardrails.${PRODUCTION}); declare each guardrail once`,
    ]);
  });

  it("is checked the same way in stack config, where there are no lines", () => {
    const problemsIn = (workspaces: Record<string, unknown>) => messageOf(() => validateMembers({ workspaces }, "stack config x"));
    expect(
      problemsIn({
        platform: { users: ["user_alice"], guardrails: { [PRODUCTION]: ["user_alice"] } },
        research: { users: ["user_alice"], guardrails: { [PRODUCTION]: ["user_bob"] } },
      }),
    ).toEqual([
      `stack config x: workspaces.research.guardrails.${PRODUCTION}[0]: "user_bob" is not in the entry's "users:" list; only the workspace's members can be assigned to its guardrails, so list them there too`,
    ]);
    expect(
      problemsIn({
        platform: { users: ["user_alice"], guardrails: { [PRODUCTION]: ["user_alice"] } },
        research: { users: ["user_bob"], guardrails: { [PRODUCTION]: ["user_bob"] } },
      }),
    ).toEqual([
      `stack config x: workspaces.research.guardrails.${PRODUCTION}: guardrail "${PRODUCTION}" is already declared at workspaces.platform.guardrails.${PRODUCTION}; declare each guardrail once`,
    ]);
  });
});

describe("declaring the guardrails (under setMocks)", () => {
  it("declares a GuardrailMembers per guardrail, named <key>/<guardrail>, depending on the entry's WorkspaceMembers", async () => {
    const file = parseMembersFile(
      yamlLines(
        "workspaces:",
        "  evals:",
        "    workspace: { name: Evals }",
        "    users: [user_dave, erin@example.com]",
        "    guardrails:",
        `      ${STAGING}: [erin@example.com]`,
        "  platform:",
        "    users: [user_alice, carol@example.com]",
        "    guardrails:",
        `      ${PRODUCTION}: [user_alice, carol@example.com]`,
        `      ${RESEARCH}: []`,
        "  research:",
        "    users: []",
      ),
      "members.yaml",
    );
    const registrations = await captureRegistrations(() => {
      const declared = declareWorkspaces(file);
      expect(Object.keys(declared.guardrails)).toEqual([`evals/${STAGING}`, `platform/${PRODUCTION}`, `platform/${RESEARCH}`]);
    });
    const urnOf = (type: string, name: string) => registrations.find((r) => r.type.endsWith(`:${type}`) && r.name === name)!.urn;
    const guardrails = registrations
      .filter((r) => r.type.endsWith(":GuardrailMembers"))
      .map((r) => {
        const { __provider: _provider, ...inputs } = r.inputs;
        return [r.name, inputs, r.dependencies];
      })
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(guardrails).toEqual([
      [`evals/${STAGING}`, { guardrailId: STAGING, userIds: [], emails: ["erin@example.com"], exclusive: false }, [urnOf("WorkspaceMembers", "evals")]],
      [`platform/${PRODUCTION}`, { guardrailId: PRODUCTION, userIds: ["user_alice"], emails: ["carol@example.com"], exclusive: false }, [urnOf("WorkspaceMembers", "platform")]],
      [`platform/${RESEARCH}`, { guardrailId: RESEARCH, userIds: [], exclusive: false }, [urnOf("WorkspaceMembers", "platform")]],
    ]);
  });
});
