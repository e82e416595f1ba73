/**
 * The export's writers (issue 20): data in, text out. The members file reads back, through
 * the GitOps program's own loader, as exactly the data written, whatever the service's
 * names hold; the program says the same in TypeScript.
 */
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import * as ts from "typescript";
import * as yaml from "yaml";
import { emailProblem, userIdProblem } from "../../provider/core/ids";
import type { ExportedEntry, ExportedOrganization } from "../../provider/export/adoption";
import { formatProgram } from "../../provider/export/program";
import { formatMembersFile, scalar } from "../../provider/export/yaml";
import { parseMembersFile } from "../../provider/gitops/load";

const BASE: Omit<ExportedOrganization, "entries"> = {
  exportedAt: "2026-12-01T09:30:00.000Z",
  baseUrl: "https://openrouter.ai/api/v1",
  defaultWorkspaceId: "6c1e9f3a-0000-4000-8000-000000000001",
  people: 8,
};

function entry(key: string, fields: Partial<ExportedEntry> = {}): ExportedEntry {
  return {
    key,
    workspaceUuid: "7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01",
    needsWorkspaceId: false,
    name: key,
    emails: [],
    userIds: [],
    settings: {},
    leftOut: [],
    ...fields,
  };
}

const EXAMPLE: ExportedOrganization = {
  ...BASE,
  entries: [
    entry("platform", {
      name: "Platform",
      emails: ["alice@example.com", "bob@example.com"],
      userIds: ["user_heidi"],
      budgets: { daily: 60, monthly: 1000, includeByokInBudgets: true },
      settings: { defaultTextModel: "openai/gpt-4o", disabledServerTools: ["web_search"] },
      leftOut: [
        { userId: "user_gone", reason: "not-in-organization" },
        { userId: "user_root", reason: "role", role: "admin", organizationRole: "member" },
      ],
    }),
    entry("research", { budgetsLeftOut: "they break the service's rule: weekly (300 USD) must be greater than daily (500 USD)" }),
  ],
};

// Text as a dashboard lets people type it, line breaks and YAML's and TypeScript's own marks included.
const TEXT = fc.string({ unit: fc.constantFrom("a", "Z", " ", "#", ":", "-", "'", '"', "`", "/", "*", "\n", "\r", "\u2028", "\u0085", "{", "&", "é", "\\"), maxLength: 12 });
const SLUG = fc.stringMatching(/^[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}$/);
const EMAIL = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._%+'-]{0,8}@[A-Za-z0-9._-]{1,8}$/).filter((value) => emailProblem(value) === undefined);
const USER_ID = fc
  .oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.@+:-]{0,12}$/), fc.constantFrom("true", "null", "yes", "123", "1e5", "0x1F", "~"))
  .filter((value) => userIdProblem(value) === undefined && !value.includes("@"));
const ENTRY = fc.record({
  key: SLUG,
  name: TEXT,
  emails: fc.uniqueArray(EMAIL, { maxLength: 4, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() }),
  userIds: fc.uniqueArray(USER_ID, { maxLength: 4 }),
  monthly: fc.option(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { nil: undefined }),
  description: TEXT,
  role: TEXT,
});
const ORGANIZATION = fc.uniqueArray(ENTRY, { maxLength: 4, selector: (e) => e.key });
type Generated = typeof ENTRY extends fc.Arbitrary<infer T> ? T : never;

/** A generated workspace as the export's data, with service text in every note. */
function toEntry(g: Generated): ExportedEntry {
  return entry(g.key, {
    name: g.name,
    emails: g.emails,
    userIds: g.userIds,
    settings: { description: g.description },
    leftOut: [{ userId: g.role, reason: "role", role: g.role, organizationRole: g.role }],
    ...(g.monthly === undefined ? {} : { budgets: { monthly: g.monthly } }),
  });
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);

describe("formatMembersFile", () => {
  it("writes a header, then one entry per workspace: its name, notes, retainOnDelete, users and budgets", () => {
    expect(formatMembersFile(EXAMPLE)).toBe(
      [
        "# Exported by `pulumi-openrouter export` on 2026-12-01T09:30:00.000Z",
        '# from the organization whose default workspace is "6c1e9f3a-0000-4000-8000-000000000001", at https://openrouter.ai/api/v1:',
        "# 2 workspaces and 3 memberships (2 by email, 1 by user id) of an organization of 8 people.",
        "# 2 members not declared: see the notes on their workspaces.",
        "#",
        "# Adoption: every person and budget declared here is there already, so the first `pulumi up`",
        "# changes nobody's membership and no budget. Each is adopted with `retainOnDelete`: deleting it",
        "# here, or `pulumi destroy`, leaves it in the organization and only forgets it; drop that",
        "# option where the stack should remove the members and budgets instead. The default workspace",
        "# is left out: everyone in the organization is in it.",
        "workspaces:",
        '  platform:  # "Platform"',
        "    # Settings unlike a new workspace's, left to the dashboard (declaring the workspace would create it, and it exists):",
        '    #   defaultTextModel: "openai/gpt-4o"',
        '    #   disabledServerTools: ["web_search"]',
        "    # Members not declared, since adopting them would change their membership:",
        '    #   "user_gone": not a member of the organization (the service refuses to add them)',
        '    #   "user_root": "admin" here, "member" in the organization (an add gives the organization\'s role)',
        "    retainOnDelete: true",
        "    users:",
        "      - alice@example.com",
        "      - bob@example.com",
        "      - user_heidi",
        "    budgets:",
        "      daily: 60",
        "      monthly: 1000",
        "      includeByokInBudgets: true",
        "  research:",
        "    retainOnDelete: true",
        "    users: []",
        "    # Budgets not declared: they break the service's rule: weekly (300 USD) must be greater than daily (500 USD).",
        "",
      ].join("\n"),
    );
  });

  it("is read by the GitOps program's loader as exactly what was written", () => {
    const file = parseMembersFile(formatMembersFile(EXAMPLE), "members.yaml");
    expect(file.workspaces.map(({ people: _people, ...rest }) => rest)).toEqual([
      {
        key: "platform",
        workspaceId: "platform",
        userIds: ["user_heidi"],
        emails: ["alice@example.com", "bob@example.com"],
        exclusive: false,
        protectedUserIds: [],
        retainOnDelete: true,
        budgets: { daily: 60, monthly: 1000, includeByokInBudgets: true },
      },
      { key: "research", workspaceId: "research", userIds: [], emails: [], exclusive: false, protectedUserIds: [], retainOnDelete: true },
    ]);
  });

  it("writes an organization with nothing to export as an empty file the loader accepts", () => {
    expect(parseMembersFile(formatMembersFile({ ...BASE, entries: [] }), "members.yaml").workspaces).toEqual([]);
  });

  it("reads back as the data for any names the service may hold: no name, role or setting can end a comment or change a value", () => {
    fc.assert(
      fc.property(ORGANIZATION, (generated) => {
        const file = parseMembersFile(formatMembersFile({ ...BASE, entries: generated.map(toEntry) }), "members.yaml");
        // By key: a JavaScript object lists integer-like keys ("0") first, whatever the file's order.
        expect(file.workspaces.map((w) => ({ key: w.key, emails: w.emails, userIds: w.userIds, budgets: w.budgets })).sort(byKey)).toEqual(
          generated.map((g) => ({ key: g.key, emails: g.emails, userIds: g.userIds, budgets: g.monthly === undefined ? undefined : { monthly: g.monthly } })).sort(byKey),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("scalar", () => {
  it.each([
    ["user_alice", "user_alice"],
    ["alice.nakamura+ops@example.com", "alice.nakamura+ops@example.com"],
    ["demo-platform", "demo-platform"],
    ["true", '"true"'],
    ["No", '"No"'],
    ["null", '"null"'],
    ["123", '"123"'],
    ["2024-01-01", '"2024-01-01"'],
    ["@alice", '"@alice"'],
    ["a: b", '"a: b"'],
    ["x #y", '"x #y"'],
    ["line\u2028break", '"line\\u2028break"'],
  ])("writes %j as %s, which YAML reads back as that string", (value, written) => {
    expect(scalar(value)).toBe(written);
    expect(yaml.parse(`key: ${scalar(value)}`)).toEqual({ key: value });
  });
});

describe("formatProgram", () => {
  it("declares each workspace's members and budgets with the resources, adopted with retainOnDelete, notes as comments", () => {
    const program = formatProgram(EXAMPLE);
    expect(program).toContain('import * as openrouter from "pulumi-openrouter";\n\nconst adopted = { retainOnDelete: true };\n');
    expect(program).toContain(
      [
        '// "Platform"',
        "// Settings unlike a new workspace's, left to the dashboard (declaring the workspace would create it, and it exists):",
        '//   defaultTextModel: "openai/gpt-4o"',
        '//   disabledServerTools: ["web_search"]',
        "// Members not declared, since adopting them would change their membership:",
        '//   "user_gone": not a member of the organization (the service refuses to add them)',
        '//   "user_root": "admin" here, "member" in the organization (an add gives the organization\'s role)',
        'new openrouter.WorkspaceMembers("platform", {',
        '  workspaceId: "platform",',
        "  emails: [",
        '    "alice@example.com",',
        '    "bob@example.com",',
        "  ],",
        "  userIds: [",
        '    "user_heidi",',
        "  ],",
        "}, adopted);",
        'new openrouter.WorkspaceBudgets("platform", {',
        '  workspaceId: "platform",',
        "  daily: 60,",
        "  monthly: 1000,",
        "  includeByokInBudgets: true,",
        "}, adopted);",
        "",
        '// "research"',
        'new openrouter.WorkspaceMembers("research", {',
        '  workspaceId: "research",',
        "  userIds: [],",
        "}, adopted);",
        "// Budgets not declared: they break the service's rule: weekly (300 USD) must be greater than daily (500 USD).",
        "",
      ].join("\n"),
    );
  });

  it("declares exactly the data when run, for any names the service may hold: no note can end its comment", () => {
    fc.assert(
      fc.property(ORGANIZATION, (generated) => {
        const declared = runProgram(formatProgram({ ...BASE, entries: generated.map(toEntry) }));
        const expected = generated.flatMap((g) => [
          {
            type: "WorkspaceMembers",
            name: g.key,
            args: { workspaceId: g.key, ...(g.emails.length > 0 ? { emails: g.emails } : {}), ...(g.userIds.length > 0 || g.emails.length === 0 ? { userIds: g.userIds } : {}) },
            opts: { retainOnDelete: true },
          },
          ...(g.monthly === undefined ? [] : [{ type: "WorkspaceBudgets", name: g.key, args: { workspaceId: g.key, monthly: g.monthly }, opts: { retainOnDelete: true } }]),
        ]);
        expect(declared).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("points at the workspace's UUID when its slug cannot name it", () => {
    const program = formatProgram({ ...BASE, entries: [entry("Odd Slug", { needsWorkspaceId: true, userIds: ["user_a"] })] });
    expect(program).toContain('new openrouter.WorkspaceMembers("Odd Slug", {\n  workspaceId: "7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01",');
  });
});

/** Compiles and runs a program, with the package's resource classes recording what they are given. */
function runProgram(program: string): { type: string; name: string; args: unknown; opts: unknown }[] {
  const { outputText, diagnostics } = ts.transpileModule(program, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS } });
  expect(diagnostics ?? []).toEqual([]);
  const declared: { type: string; name: string; args: unknown; opts: unknown }[] = [];
  const resource = (type: string) =>
    class {
      constructor(name: string, args: unknown, opts: unknown) {
        declared.push({ type, name, args, opts });
      }
    };
  const openrouter = { WorkspaceMembers: resource("WorkspaceMembers"), WorkspaceBudgets: resource("WorkspaceBudgets") };
  const require = (name: string) => {
    if (name !== "pulumi-openrouter") throw new Error(`the program requires ${name}`);
    return openrouter;
  };
  runInNewContext(outputText, { require, exports: {}, module: { exports: {} } });
  return declared;
}
