/**
 * The emulator's organization directory over real HTTP: `GET /organization/members`
 * (shape, id order, paging as the other lists), the emails and names users get (given or
 * derived from the id, unique, seeded), the org-membership rules as the single source
 * (who is listed is who bulk add accepts), and the admin lookups.
 */
import { startEmulator, type Emulator } from "../../provider/testing";
import { call, errorShape } from "../support/emulator-http";
import { describeRouteBasics } from "../support/emulator-routes";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: "organization-test",
    users: [
      { id: "user_alice", role: "admin", email: "Alice.Chen@Example.com", firstName: "Alice", lastName: "Chen" },
      "user_bob",
      { id: "user_nameless", firstName: null, lastName: null },
      "user_p001",
    ],
  });
});

afterAll(() => emulator.close());

afterEach(() => {
  emulator.configure({ pageSizeCap: null });
});

const list = (query = "") => call(emulator, "GET", `/organization/members${query}`);
const listedIds = async (query = "?limit=100"): Promise<string[]> =>
  (await list(query)).json.data.map((member: { id: string }) => member.id);

describe("GET /organization/members", () => {
  it("lists every organization user with email, names and prefixed role, in id order", async () => {
    const reply = await list();
    expect(reply.status).toBe(200);
    expect(reply.json.total_count).toBe(4);
    expect(reply.json.data).toEqual([
      { id: "user_alice", email: "Alice.Chen@Example.com", first_name: "Alice", last_name: "Chen", role: "org:admin" },
      { id: "user_bob", email: "bob@example.com", first_name: "Bob", last_name: expect.any(String), role: "org:member" },
      { id: "user_nameless", email: "nameless@example.com", first_name: null, last_name: null, role: "org:member" },
      { id: "user_p001", email: "p001@example.com", first_name: expect.any(String), last_name: expect.any(String), role: "org:member" },
    ]);
    // A name is drawn for an id that does not read as one, never the id itself.
    expect(reply.json.data[3].first_name).not.toMatch(/p001/i);
  });

  it("pages by offset and limit like the other lists, with smaller pages under pageSizeCap", async () => {
    const page = await list("?offset=1&limit=2");
    expect(page.json).toEqual({ data: [expect.objectContaining({ id: "user_bob" }), expect.objectContaining({ id: "user_nameless" })], total_count: 4 });
    expect((await list("?offset=9")).json).toEqual({ data: [], total_count: 4 });
    emulator.configure({ pageSizeCap: 3 });
    expect((await list("?limit=100")).json.data).toHaveLength(3);
  });

  it.each([["limit=101"], ["limit=0"], ["offset=-1"], ["offset=x"]])("refuses %s with a 400 naming the parameter", async (query) => {
    const reply = await list(`?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, new RegExp(`^${query.split("=")[0]} must be an integer`)));
  });

  it("follows the role a user is given by hand", async () => {
    emulator.addUsers(["user_promoted"]);
    emulator.setUserRole("user_promoted", "admin");
    const reply = await list("?limit=100");
    expect(reply.json.data.find((m: { id: string }) => m.id === "user_promoted")?.role).toBe("org:admin");
  });

  it("answers 405 to another method", async () => {
    const reply = await call(emulator, "POST", "/organization/members", { body: {} });
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe("GET");
  });
});

describe("one organization, one source of membership", () => {
  it("a user the organization does not have: not listed, no email, refused by bulk add", async () => {
    expect(await listedIds()).not.toContain("user_outsider");
    expect(emulator.user("user_outsider")).toBeUndefined();
    expect(emulator.userByEmail("outsider@example.com")).toBeUndefined();
    const workspace = emulator.createWorkspace({ slug: "directory-rules" });
    const refused = await call(emulator, "POST", `/workspaces/${workspace.id}/members/add`, { body: { user_ids: ["user_outsider"] } });
    expect(refused.status).toBe(400);
    expect(refused.json.error.metadata).toEqual({ user_ids: ["user_outsider"] });
  });

  it("once added by hand with an email, the user is listed, found by it and accepted by bulk add", async () => {
    const [stored] = emulator.addUsers([{ id: "user_outsider", email: "out.sider@corp.example" }]);
    expect(stored).toMatchObject({ id: "user_outsider", email: "out.sider@corp.example", role: "member", scim: false });
    expect(await listedIds()).toContain("user_outsider");
    expect(emulator.userByEmail("OUT.SIDER@corp.example")?.id).toBe("user_outsider");
    expect(emulator.memberIds("default")).toContain("user_outsider");
    emulator.createWorkspace({ slug: "directory-rules-2" });
    const added = await call(emulator, "POST", "/workspaces/directory-rules-2/members/add", { body: { user_ids: ["user_outsider"] } });
    expect(added.json.added_count).toBe(1);
  });
});

describe("emails and names", () => {
  it("derives a unique email from the id, numbering one that is taken", () => {
    const users = emulator.addUsers(["user_Twin", "user_twin", "twin", "user_hire_001", "user_"]);
    expect(users.map((u) => u.email)).toEqual([
      "twin@example.com",
      "twin2@example.com",
      "twin3@example.com",
      "hire.001@example.com",
      "user@example.com",
    ]);
    const emails = emulator.users().map((u) => u.email.toLowerCase());
    expect(new Set(emails).size).toBe(emails.length);
  });

  it("keeps a user's email and names when only the role is updated, and replaces what is given", () => {
    emulator.addUsers([{ id: "user_alice", role: "member" }]);
    expect(emulator.user("user_alice")).toMatchObject({ email: "Alice.Chen@Example.com", firstName: "Alice", lastName: "Chen", role: "member" });
    emulator.addUsers([{ id: "user_alice", role: "admin", email: "alice@corp.example", lastName: null }]);
    expect(emulator.user("user_alice")).toMatchObject({ email: "alice@corp.example", firstName: "Alice", lastName: null });
    expect(emulator.userByEmail("Alice.Chen@Example.com")).toBeUndefined();
    expect(emulator.userByEmail("alice@corp.example")?.id).toBe("user_alice");
  });

  it("refuses an email another user has (any case) and one that is not an email", () => {
    expect(() => emulator.addUsers([{ id: "user_copycat", email: "BOB@example.com" }])).toThrow('Email "BOB@example.com" already belongs to "user_bob"');
    expect(() => emulator.addUsers([{ id: "user_copycat", email: "not an email" }])).toThrow(/Invalid email/);
    expect(emulator.user("user_copycat")).toBeUndefined();
  });

  it("hands a copy out, so changing it changes nothing", () => {
    const user = emulator.user("user_bob") as { email: string };
    user.email = "changed@example.com";
    expect(emulator.user("user_bob")?.email).toBe("bob@example.com");
  });

  it("draws the same names from the same seed, whatever else was generated", async () => {
    const ids = ["user_p1", "user_p2", "user_p3", "user_p4"];
    const [a, b, c] = await Promise.all([startEmulator({ seed: "names" }), startEmulator({ seed: "names" }), startEmulator({ seed: "other-names" })]);
    try {
      // Workspaces first on one side only: ids generated before must not shift the names.
      b.createWorkspace({ slug: "before" });
      const names = (e: Emulator) => e.addUsers(ids).map((u) => `${u.firstName} ${u.lastName} <${u.email}>`);
      const fromA = names(a);
      expect(names(b)).toEqual(fromA);
      const fromC = names(c);
      expect(fromC.map((n) => n.slice(n.indexOf("<")))).toEqual(fromA.map((n) => n.slice(n.indexOf("<"))));
      expect(fromC).not.toEqual(fromA);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describeRouteBasics(
  () => emulator,
  () => [{ route: "GET /organization/members", path: () => "/organization/members" }],
);
