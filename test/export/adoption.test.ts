/**
 * What an export declares (issue 20), from listings built by hand: pure, no service. Who is
 * named how, who is left out and why, which budgets and settings are declared or noted.
 */
import { OpenRouterClient } from "../../provider/api/client";
import type { Membership, OrganizationMember, Workspace, WorkspaceBudget } from "../../provider/api/types";
import { NEW_WORKSPACE_SETTINGS, toExportedOrganization, type ExportedEntry } from "../../provider/export/adoption";
import type { OrganizationListing, WorkspaceListing } from "../../provider/export/read";
import { startEmulator } from "../../provider/testing";

const EXPORTED_AT = new Date("2026-12-01T09:30:00.000Z");
const BASE_URL = "https://openrouter.ai/api/v1";

function workspace(slug: string, fields: Partial<Workspace> = {}): Workspace {
  return {
    id: `00000000-0000-4000-8000-${String(slug.length).padStart(12, "0")}`,
    name: slug,
    slug,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: null,
    createdBy: null,
    ...NEW_WORKSPACE_SETTINGS,
    ...fields,
  } as Workspace;
}

function person(userId: string, email: string, role = "org:member"): OrganizationMember {
  return { userId, email, firstName: null, lastName: null, role };
}

function member(userId: string, role = "member"): Membership {
  return { id: `m-${userId}`, userId, workspaceId: "w", role, createdAt: "2026-01-01T00:00:00.000Z" };
}

function budget(resetInterval: string | null, limitUsd: number): WorkspaceBudget {
  return { id: `b-${String(resetInterval)}`, workspaceId: "w", limitUsd, resetInterval, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: null };
}

function listed(ws: Workspace, members: Membership[], budgets: WorkspaceBudget[] = [], includeByokInBudgets?: boolean): WorkspaceListing {
  return { workspace: ws, members, budgets: { budgets, ...(includeByokInBudgets === undefined ? {} : { includeByokInBudgets }) } };
}

const DIRECTORY = [
  person("user_alice", "alice@example.com", "org:admin"),
  person("user_bob", "Bob.Okafor@example.com"),
  person("user_carol", "carol@example.com"),
  person("user_dave", "dave@example.com"),
  person("user_twin1", "Twin@example.com"),
  person("user_twin2", "twin@example.com"),
];

function exportOf(workspaces: WorkspaceListing[], byUserIds = false, directory = DIRECTORY): ExportedEntry[] {
  const listing: OrganizationListing = { directory, workspaces };
  return toExportedOrganization(listing, { byUserIds, exportedAt: EXPORTED_AT, baseUrl: BASE_URL }).entries;
}

describe("who is named how", () => {
  it("names people by the email the directory gives them, as written there, and sorts both lists", () => {
    const [entry] = exportOf([listed(workspace("platform"), [member("user_carol"), member("user_bob"), member("user_alice", "admin")])]);
    expect(entry).toMatchObject({ key: "platform", emails: ["Bob.Okafor@example.com", "alice@example.com", "carol@example.com"], userIds: [], leftOut: [] });
  });

  it("names by user id someone whose email another person has too (letter case aside), so that an email never names two people", () => {
    const [entry] = exportOf([listed(workspace("platform"), [member("user_twin2"), member("user_twin1"), member("user_dave")])]);
    expect(entry).toMatchObject({ emails: ["dave@example.com"], userIds: ["user_twin1", "user_twin2"] });
  });

  it("names by user id someone whose email a members file could not hold", () => {
    const directory = [person("user_odd", "not an email")];
    const [entry] = exportOf([listed(workspace("platform"), [member("user_odd")])], false, directory);
    expect(entry).toMatchObject({ emails: [], userIds: ["user_odd"] });
  });

  it("names everyone by user id when asked", () => {
    const [entry] = exportOf([listed(workspace("platform"), [member("user_bob"), member("user_alice", "admin")])], true);
    expect(entry).toMatchObject({ emails: [], userIds: ["user_alice", "user_bob"] });
  });
});

describe("who is left out, since adopting them would change their membership", () => {
  it("leaves out a member the organization does not have (an add would be refused) and one whose role here is not their organization role (an add would change it)", () => {
    const [entry] = exportOf([
      listed(workspace("platform"), [member("user_gone"), member("user_bob", "admin"), member("user_alice", "admin"), member("user_carol")]),
    ]);
    expect(entry!.emails).toEqual(["alice@example.com", "carol@example.com"]);
    expect(entry!.leftOut).toEqual([
      { userId: "user_bob", reason: "role", role: "admin", organizationRole: "member" },
      { userId: "user_gone", reason: "not-in-organization" },
    ]);
  });

  it("leaves out someone with neither a usable email nor a user id a file can hold", () => {
    const directory = [person(" user_padded", "also not an email")];
    const [entry] = exportOf([listed(workspace("platform"), [member(" user_padded")])], false, directory);
    expect(entry).toMatchObject({ emails: [], userIds: [], leftOut: [{ userId: " user_padded", reason: "unwritable" }] });
  });
});

describe("entries", () => {
  it("are sorted by slug, each keyed by it, with workspaceId only when the slug cannot be a key", () => {
    const entries = exportOf([
      listed(workspace("research"), []),
      listed(workspace("Odd Slug", { id: "7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01" }), []),
      listed(workspace("evals"), []),
    ]);
    expect(entries.map((entry) => [entry.key, entry.needsWorkspaceId])).toEqual([
      ["Odd Slug", true],
      ["evals", false],
      ["research", false],
    ]);
    expect(entries[0]!.workspaceUuid).toBe("7d3f9a2c-1b4e-4c8a-9f00-5e6d7c8b9a01");
  });

  it("note the settings that differ from a new workspace's (lists compared as sets), and nothing for a workspace left as created", () => {
    const [changed, plain] = exportOf([
      listed(workspace("a", { defaultTextModel: "openai/gpt-4o", ioLoggingSamplingRate: 0.5, disabledServerTools: ["web_search"], description: null }), []),
      listed(workspace("b", { name: "Bee" }), []),
    ]);
    expect(changed!.settings).toEqual({ defaultTextModel: "openai/gpt-4o", ioLoggingSamplingRate: 0.5, disabledServerTools: ["web_search"] });
    expect(plain).toMatchObject({ name: "Bee", settings: {} });
  });

  it("declare the budgets there are (the BYOK flag only when on), none when there are none", () => {
    const [a, b, c] = exportOf([
      listed(workspace("a"), [], [budget("daily", 60), budget(null, 5000), budget("monthly", 1000)], true),
      listed(workspace("b"), [], [budget("weekly", 300)], false),
      listed(workspace("c"), [], [], true),
    ]);
    expect(a!.budgets).toEqual({ daily: 60, monthly: 1000, lifetime: 5000, includeByokInBudgets: true });
    expect(b!.budgets).toEqual({ weekly: 300 });
    expect(c!.budgets).toBeUndefined();
    expect([a, b, c].map((entry) => entry!.budgetsLeftOut)).toEqual([undefined, undefined, undefined]);
  });

  it("leave out budgets that already break the service's order (the resource's check would refuse them), saying which", () => {
    const [entry] = exportOf([listed(workspace("a"), [], [budget("daily", 500), budget("weekly", 300)])]);
    expect(entry!.budgets).toBeUndefined();
    expect(entry!.budgetsLeftOut).toBe(
      "they break the service's rule (lifetime > monthly > weekly > daily): weekly (300 USD) must be greater than daily (500 USD)",
    );
  });
});

describe("the organization's header facts", () => {
  it("names the organization by its default workspace's UUID, and counts its people", () => {
    const listing: OrganizationListing = { directory: DIRECTORY, workspaces: [], defaultWorkspace: workspace("default", { id: "6c1e9f3a-0000-4000-8000-000000000001" }) };
    expect(toExportedOrganization(listing, { byUserIds: false, exportedAt: EXPORTED_AT, baseUrl: BASE_URL })).toEqual({
      exportedAt: "2026-12-01T09:30:00.000Z",
      baseUrl: BASE_URL,
      defaultWorkspaceId: "6c1e9f3a-0000-4000-8000-000000000001",
      people: 6,
      entries: [],
    });
  });
});

describe("NEW_WORKSPACE_SETTINGS", () => {
  it("is what the service (the emulator) gives a workspace created with a name and slug only", async () => {
    const emulator = await startEmulator({ seed: "export-defaults" });
    const client = new OpenRouterClient({ baseUrl: emulator.url, managementKey: emulator.managementKey });
    try {
      const created = await client.createWorkspace({ name: "Fresh", slug: "fresh" });
      const [entry] = exportOf([listed(created, [])]);
      expect(entry!.settings).toEqual({});
      // And each setting the service returns is one the export compares.
      for (const key of Object.keys(NEW_WORKSPACE_SETTINGS)) expect(created).toHaveProperty(key);
    } finally {
      await client.close();
      await emulator.close();
    }
  });
});
