/**
 * The emulator's guardrails and member assignments over real HTTP: every workspace's
 * default guardrail, legacy guardrails with no workspace, the assignment rules (one direct
 * guardrail per member per workspace, so assigning moves; idempotent re-assignment;
 * unassign counting its own rows; the default and legacy refusals; all-or-nothing
 * membership checks), paging, validation, what follows workspace changes, and the
 * changes made by hand.
 */
import { startEmulator, type Emulator } from "../../provider/testing";
import { call, errorShape, ISO, UUID } from "../support/emulator-http";
import { describeRouteBasics } from "../support/emulator-routes";

let emulator: Emulator;
let serial = 0;

const ORG_USERS = ["user_a", "user_b", "user_c", "user_d"];

beforeAll(async () => {
  emulator = await startEmulator({ seed: "guardrails-test", users: ORG_USERS });
});

afterAll(() => emulator.close());

afterEach(() => {
  emulator.faults.clear();
  emulator.configure({ maxUserIdsPerRequest: null, pageSizeCap: null });
  emulator.log.clear();
});

/** A fresh workspace holding `members`, and two guardrails of its own. */
function team(members: string[] = ["user_a", "user_b", "user_c"]) {
  const workspace = emulator.createWorkspace({ slug: `team-${++serial}` });
  emulator.addMembers(workspace.id, members);
  const first = emulator.createGuardrail({ workspaceId: workspace.slug, name: "First" }).id;
  const second = emulator.createGuardrail({ workspaceId: workspace.id, name: "Second" }).id;
  return { workspace, first, second };
}

const assign = (guardrail: string, ids: unknown) =>
  call(emulator, "POST", `/guardrails/${guardrail}/assignments/members`, { body: { member_user_ids: ids } });
const unassign = (guardrail: string, ids: unknown) =>
  call(emulator, "POST", `/guardrails/${guardrail}/assignments/members/remove`, { body: { member_user_ids: ids } });
const listed = async (guardrail: string, query = "?limit=100"): Promise<string[]> =>
  (await call(emulator, "GET", `/guardrails/${guardrail}/assignments/members${query}`)).json.data.map((row: { user_id: string }) => row.user_id);

describe("GET /guardrails/{id}", () => {
  it("finds every workspace's default guardrail under its default_guardrail_id, the default workspace's too", async () => {
    const created = (await call(emulator, "POST", "/workspaces", { body: { name: "Via API", slug: "via-api" } })).json.data;
    for (const workspace of [created, emulator.workspace("default")]) {
      const reply = await call(emulator, "GET", `/guardrails/${workspace.default_guardrail_id}`);
      expect(reply.status).toBe(200);
      expect(reply.json.data).toEqual(expect.objectContaining({ id: workspace.default_guardrail_id, name: expect.any(String), workspace_id: workspace.id }));
    }
  });

  it("answers a guardrail with its documented fields, a legacy one with workspace_id null", async () => {
    const { workspace, first } = team();
    expect((await call(emulator, "GET", `/guardrails/${first}`)).json).toEqual({
      data: {
        id: first,
        name: "First",
        description: null,
        workspace_id: workspace.id,
        limit_usd: null,
        reset_interval: null,
        allowed_providers: null,
        allowed_models: null,
        include_byok_in_budgets: false,
        created_at: expect.stringMatching(ISO),
        updated_at: null,
      },
    });
    const legacy = emulator.createGuardrail({ workspaceId: null, name: "Legacy" });
    expect(legacy.id).toMatch(UUID);
    expect((await call(emulator, "GET", `/guardrails/${legacy.id}`)).json.data).toMatchObject({ name: "Legacy", workspace_id: null });
  });

  it("answers 404 for an unknown or hostile id, which never reaches another route", async () => {
    for (const id of ["no-such-guardrail", "..%2Fworkspaces", `${team().first}%2Fassignments%2Fmembers`]) {
      const reply = await call(emulator, "GET", `/guardrails/${id}`);
      expect([id, reply.status, reply.json]).toEqual([id, 404, errorShape(404, "Guardrail not found")]);
      expect(emulator.log.entries.at(-1)?.route).toBe("GET /guardrails/:id");
    }
  });

  it("answers 405 with the methods a guardrail path has", async () => {
    const { first } = team();
    const onGuardrail = await call(emulator, "DELETE", `/guardrails/${first}`);
    expect([onGuardrail.status, onGuardrail.headers.get("allow")]).toEqual([405, "GET"]);
    const onRemove = await call(emulator, "GET", `/guardrails/${first}/assignments/members/remove`);
    expect([onRemove.status, onRemove.headers.get("allow")]).toEqual([405, "POST"]);
  });
});

describe("assigning members", () => {
  it("assigns: { assigned_count }, then lists the assignments in user id order with every field", async () => {
    const { first } = team();
    const reply = await assign(first, ["user_b", "user_a"]);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ assigned_count: 2 });
    const page = (await call(emulator, "GET", `/guardrails/${first}/assignments/members`)).json;
    expect(page).toEqual({
      total_count: 2,
      data: ["user_a", "user_b"].map((userId) => ({
        id: expect.stringMatching(UUID),
        user_id: userId,
        organization_id: emulator.organizationId,
        guardrail_id: first,
        assigned_by: null,
        created_at: expect.stringMatching(ISO),
      })),
    });
    expect(emulator.organizationId).toMatch(/^org_[0-9a-f]{24}$/);
  });

  it("is idempotent: assigning again changes nothing and counts nothing; repeats count once", async () => {
    const { first } = team();
    await assign(first, ["user_a", "user_b"]);
    const before = emulator.guardrailAssignment(first, "user_a");
    expect((await assign(first, ["user_a", "user_b", "user_a"])).json).toEqual({ assigned_count: 0 });
    expect(emulator.guardrailAssignment(first, "user_a")).toEqual(before);
    expect((await assign(first, ["user_c", "user_c"])).json).toEqual({ assigned_count: 1 });
  });

  it("moves a member off their other guardrail of the same workspace, and counts the move", async () => {
    const { workspace, first, second } = team();
    await assign(first, ["user_a", "user_b"]);
    await assign(second, ["user_c"]);
    const reply = await assign(second, ["user_a", "user_c", "user_b"]);
    expect(reply.json).toEqual({ assigned_count: 2 });
    expect(await listed(first)).toEqual([]);
    expect(await listed(second)).toEqual(["user_a", "user_b", "user_c"]);
    expect(emulator.memberGuardrailId(workspace.slug, "user_a")).toBe(second);
  });

  it("keeps a member's guardrail in another workspace when they are assigned in this one", async () => {
    const one = team();
    const other = team();
    await assign(one.first, ["user_a"]);
    expect((await assign(other.first, ["user_a"])).json).toEqual({ assigned_count: 1 });
    expect(await listed(one.first)).toEqual(["user_a"]);
    expect(await listed(other.first)).toEqual(["user_a"]);
  });

  it("refuses the whole request when a user is no member of the guardrail's workspace, naming them", async () => {
    const { first } = team(["user_a", "user_b"]);
    const reply = await assign(first, ["user_a", "user_c", "user_stranger"]);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, "Some users are not members of the workspace"));
    expect(reply.json.error.metadata).toEqual({ user_ids: ["user_c", "user_stranger"] });
    expect(emulator.guardrailMemberIds(first)).toEqual([]);
  });

  it("in the default workspace, takes any organization member and refuses others, naming them", async () => {
    const guardrail = emulator.createGuardrail({ workspaceId: "default", name: "Org-wide" }).id;
    expect((await assign(guardrail, ["user_d", "user_a"])).json).toEqual({ assigned_count: 2 });
    const refused = await assign(guardrail, ["user_b", "user_stranger"]);
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual(errorShape(400, "Some users are not members of the organization"));
    expect(refused.json.error.metadata).toEqual({ user_ids: ["user_stranger"] });
    expect(emulator.guardrailMemberIds(guardrail)).toEqual(["user_a", "user_d"]);
  });

  it("refuses a workspace's default guardrail (400, nothing assigned), whose unassign finds nothing", async () => {
    const { workspace } = team();
    const reply = await assign(workspace.default_guardrail_id, ["user_a"]);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, /^Cannot assign members to a default guardrail/));
    expect(emulator.guardrailMemberIds(workspace.default_guardrail_id)).toEqual([]);
    expect((await unassign(workspace.default_guardrail_id, ["user_a"])).json).toEqual({ unassigned_count: 0 });
  });

  it("refuses a legacy guardrail with no workspace", async () => {
    const legacy = emulator.createGuardrail({ workspaceId: null }).id;
    const reply = await assign(legacy, ["user_a"]);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, "Guardrail has no workspace_id"));
  });

  it("answers 404 for an unknown guardrail", async () => {
    for (const reply of [await assign("no-such", ["user_a"]), await unassign("no-such", ["user_a"])]) {
      expect(reply.json).toEqual(errorShape(404, "Guardrail not found"));
    }
  });

  it("applies the change before a lost answer when the fault says so", async () => {
    const { first } = team();
    emulator.faults.add({ route: "POST /guardrails/:id/assignments/members", drop: true, applyFirst: true });
    await expect(assign(first, ["user_a"])).rejects.toThrow("fetch failed");
    expect(emulator.guardrailMemberIds(first)).toEqual(["user_a"]);
  });
});

describe("unassigning members", () => {
  it("removes this guardrail's rows only, counting them; others and strangers are no error", async () => {
    const { first, second } = team();
    await assign(first, ["user_a", "user_b"]);
    await assign(second, ["user_c"]);
    const reply = await unassign(first, ["user_a", "user_a", "user_c", "user_stranger"]);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ unassigned_count: 1 });
    expect(await listed(first)).toEqual(["user_b"]);
    expect(await listed(second)).toEqual(["user_c"]);
    expect((await unassign(first, ["user_a"])).json).toEqual({ unassigned_count: 0 });
  });
});

describe("member_user_ids", () => {
  it.each([
    ["missing", {}, "member_user_ids is required"],
    ["empty", { member_user_ids: [] }, "member_user_ids is required"],
    ["sent as user_ids", { user_ids: ["user_a"] }, "member_user_ids is required"],
    ["not an array", { member_user_ids: "user_a" }, 'member_user_ids must be an array of strings, got "user_a"'],
    ["holding a blank", { member_user_ids: ["user_a", " "] }, 'member_user_ids[1] must be a non-empty string, got " "'],
  ])("refuses a body with member_user_ids %s: 400 naming it, on assign and unassign", async (_case, body, message) => {
    const { first } = team();
    for (const verb of ["", "/remove"]) {
      const reply = await call(emulator, "POST", `/guardrails/${first}/assignments/members${verb}`, { body });
      expect([verb, reply.status, reply.json]).toEqual([verb, 400, errorShape(400, message)]);
    }
  });

  it("holds at most maxUserIdsPerRequest ids, like user_ids, and is counted in the request log", async () => {
    const { first } = team();
    emulator.configure({ maxUserIdsPerRequest: 2 });
    const refused = await assign(first, ["user_a", "user_b", "user_c"]);
    expect(refused.json).toEqual(errorShape(400, "member_user_ids may hold at most 2 entries, got 3"));
    await assign(first, ["user_a", "user_b"]);
    await unassign(first, ["user_a"]);
    expect(emulator.log.entries.map((e) => [e.route, e.status, e.userIdsCount])).toEqual([
      ["POST /guardrails/:id/assignments/members", 400, 3],
      ["POST /guardrails/:id/assignments/members", 200, 2],
      ["POST /guardrails/:id/assignments/members/remove", 200, 1],
    ]);
  });
});

describe("paging the assignments", () => {
  const many = Array.from({ length: 120 }, (_, i) => `user_page${String(119 - i).padStart(3, "0")}`);

  it("pages by offset and limit in user id order, with total_count; smaller pages under pageSizeCap", async () => {
    emulator.addUsers(many);
    const { first } = team(many);
    for (let i = 0; i < many.length; i += 100) expect((await assign(first, many.slice(i, i + 100))).status).toBe(200);
    const pages = [];
    for (const offset of [0, 50, 100]) pages.push((await call(emulator, "GET", `/guardrails/${first}/assignments/members?offset=${offset}`)).json);
    expect(pages.map((p) => [p.data.length, p.total_count])).toEqual([[50, 120], [50, 120], [20, 120]]);
    expect(pages.flatMap((p) => p.data.map((row: { user_id: string }) => row.user_id))).toEqual([...many].sort());
    emulator.configure({ pageSizeCap: 7 });
    expect(await listed(first)).toHaveLength(7);
    const bad = await call(emulator, "GET", `/guardrails/${first}/assignments/members?limit=101`);
    expect(bad.json).toEqual(errorShape(400, /^limit must be an integer from 1 to 100/));
  });
});

describe("following the workspaces", () => {
  it("a member removed from the workspace (by the API or by hand) leaves its guardrail", async () => {
    const { workspace, first, second } = team();
    await assign(first, ["user_a", "user_b"]);
    await assign(second, ["user_c"]);
    await call(emulator, "POST", `/workspaces/${workspace.id}/members/remove`, { body: { user_ids: ["user_a"] } });
    emulator.removeMembers(workspace.id, ["user_c"]);
    expect(await listed(first)).toEqual(["user_b"]);
    expect(await listed(second)).toEqual([]);
    expect(emulator.memberGuardrailId(workspace.id, "user_a")).toBeUndefined();
  });

  it("a deleted workspace takes its guardrails, the default one included; a legacy one stays", async () => {
    const { workspace, first } = team();
    const legacy = emulator.createGuardrail({ workspaceId: null }).id;
    await assign(first, ["user_a"]);
    expect((await call(emulator, "DELETE", `/workspaces/${workspace.id}`)).status).toBe(200);
    for (const id of [first, workspace.default_guardrail_id]) {
      expect((await call(emulator, "GET", `/guardrails/${id}`)).status).toBe(404);
      expect((await call(emulator, "GET", `/guardrails/${id}/assignments/members`)).status).toBe(404);
    }
    expect((await call(emulator, "GET", `/guardrails/${legacy}`)).status).toBe(200);
  });
});

describe("changes made by hand", () => {
  it("assign bypassing the refusals, with assigned_by; members still move within a workspace", async () => {
    const { workspace, first, second } = team(["user_a"]);
    const legacy = emulator.createGuardrail({ workspaceId: null }).id;
    emulator.assignGuardrailMembers(first, ["user_a", "user_d"], { assignedBy: "user_admin" });
    emulator.assignGuardrailMembers(workspace.default_guardrail_id, ["user_b"]);
    emulator.assignGuardrailMembers(legacy, ["user_stranger"]);
    expect(emulator.guardrailAssignment(first, "user_d")?.assigned_by).toBe("user_admin");
    expect(emulator.guardrailMemberIds(workspace.default_guardrail_id)).toEqual(["user_b"]);
    expect(await listed(legacy)).toEqual(["user_stranger"]);
    emulator.assignGuardrailMembers(second, ["user_a"]);
    expect(await listed(first)).toEqual(["user_d"]);
    expect(emulator.memberGuardrailId(workspace.slug, "user_a")).toBe(second);
    emulator.unassignGuardrailMembers(second, ["user_a", "user_nobody"]);
    expect(await listed(second)).toEqual([]);
  });

  it("delete a guardrail and its rows (not a default one), after which a member may be assigned again elsewhere", async () => {
    const { workspace, first, second } = team();
    await assign(first, ["user_a"]);
    emulator.deleteGuardrail(first);
    expect(emulator.guardrail(first)).toBeUndefined();
    expect((await call(emulator, "GET", `/guardrails/${first}`)).status).toBe(404);
    expect(emulator.memberGuardrailId(workspace.id, "user_a")).toBeUndefined();
    expect((await assign(second, ["user_a"])).json).toEqual({ assigned_count: 1 });
    expect(() => emulator.deleteGuardrail(workspace.default_guardrail_id)).toThrow(/default guardrail: delete the workspace instead/);
  });

  it("throw a plain error for an unknown guardrail or workspace, or a taken id", () => {
    const { first } = team();
    expect(() => emulator.guardrailMemberIds("nope")).toThrow('The emulator has no guardrail "nope"');
    expect(() => emulator.createGuardrail({ workspaceId: "nope" })).toThrow('The emulator has no workspace "nope"');
    expect(() => emulator.createGuardrail({ workspaceId: null, id: first })).toThrow(`Guardrail id "${first}" is taken`);
    expect(emulator.guardrail("nope")).toBeUndefined();
  });
});

describeRouteBasics(
  () => emulator,
  () => {
    const { first } = team();
    emulator.assignGuardrailMembers(first, ["user_a"]);
    return [
      { route: "GET /guardrails/:id", path: () => `/guardrails/${first}` },
      { route: "GET /guardrails/:id/assignments/members", path: () => `/guardrails/${first}/assignments/members` },
      { route: "POST /guardrails/:id/assignments/members", path: () => `/guardrails/${first}/assignments/members`, body: () => ({ member_user_ids: ["user_a"] }) },
      { route: "POST /guardrails/:id/assignments/members/remove", path: () => `/guardrails/${first}/assignments/members/remove`, body: () => ({ member_user_ids: ["user_b"] }) },
    ];
  },
);
