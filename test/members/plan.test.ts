import { UNKNOWN } from "../../provider/core/unknowns";
import { checkRemovalLimit, planCreate, planDelete, planUpdate, removalsOverLimit } from "../../provider/membership/plan";
import { diffMembers } from "../../provider/members/plan";

describe("planCreate", () => {
  it.each<[string, Parameters<typeof planCreate>[0], ReturnType<typeof planCreate>]>([
    [
      "additive: adds every wanted user, touches nobody",
      { wanted: ["b", "a"], exclusive: false },
      { add: ["a", "b"], remove: [], spared: [] },
    ],
    [
      "additive with a listing: existing members are adopted without a request",
      { wanted: ["a", "b"], exclusive: false, currentMembers: ["b", "x"] },
      { add: ["a"], remove: [], spared: [] },
    ],
    [
      "exclusive: removes current members not wanted",
      { wanted: ["a", "b"], exclusive: true, currentMembers: ["b", "x", "y"] },
      { add: ["a"], remove: ["x", "y"], spared: [] },
    ],
    [
      "exclusive: an unlisted protected member stays",
      { wanted: ["a"], exclusive: true, currentMembers: ["admin", "x"], protectedIds: ["admin"] },
      { add: ["a"], remove: ["x"], spared: ["admin"] },
    ],
    [
      "exclusive: a protected user that is also wanted is added like any other",
      { wanted: ["admin"], exclusive: true, currentMembers: [], protectedIds: ["admin"] },
      { add: ["admin"], remove: [], spared: [] },
    ],
    [
      "exclusive on an empty workspace with an empty set does nothing",
      { wanted: [], exclusive: true, currentMembers: [] },
      { add: [], remove: [], spared: [] },
    ],
  ])("%s", (_name, input, expected) => {
    expect(planCreate(input)).toEqual(expected);
  });

  it("refuses exclusive planning without the member listing", () => {
    expect(() => planCreate({ wanted: ["a"], exclusive: true })).toThrow(/exclusive planning needs currentMembers/);
  });
});

describe("planUpdate", () => {
  it.each<[string, Parameters<typeof planUpdate>[0], ReturnType<typeof planUpdate>]>([
    [
      "additive: adds only the new, removes only the dropped managed",
      { oldManaged: ["a", "b"], wanted: ["b", "c"], exclusive: false },
      { add: ["c"], remove: ["a"], spared: [] },
    ],
    [
      "additive with a listing (settling unconfirmed users): the listing decides who is there",
      { oldManaged: ["a", "b", "c", "d"], wanted: ["a", "b"], exclusive: false, currentMembers: ["a", "c", "x"] },
      { add: ["b"], remove: ["c"], spared: [] },
    ],
    [
      "additive: never removes an unmanaged member even when a listing shows it",
      { oldManaged: ["a"], wanted: [], exclusive: false, currentMembers: ["a", "x"] },
      { add: [], remove: ["a"], spared: [] },
    ],
    [
      "additive: a dropped protected user is spared",
      { oldManaged: ["a", "admin"], wanted: ["a"], exclusive: false, protectedIds: ["admin"] },
      { add: [], remove: [], spared: ["admin"] },
    ],
    [
      "additive with a listing: a managed user already gone is neither removed nor kept",
      { oldManaged: ["a", "b"], wanted: ["a"], exclusive: false, currentMembers: ["a"] },
      { add: [], remove: [], spared: [] },
    ],
    [
      "exclusive toggled on: unmanaged members are removed",
      { oldManaged: ["a"], wanted: ["a"], exclusive: true, currentMembers: ["a", "x", "y"] },
      { add: [], remove: ["x", "y"], spared: [] },
    ],
    [
      "exclusive toggled on: protected members survive unlisted",
      { oldManaged: ["a"], wanted: ["a"], exclusive: true, currentMembers: ["a", "admin", "x"], protectedIds: ["admin"] },
      { add: [], remove: ["x"], spared: ["admin"] },
    ],
    [
      "exclusive toggled off: only dropped managed users go",
      { oldManaged: ["a", "b"], wanted: ["a"], exclusive: false },
      { add: [], remove: ["b"], spared: [] },
    ],
    [
      "exclusive: a managed user removed by hand is added back",
      { oldManaged: ["a", "b"], wanted: ["a", "b"], exclusive: true, currentMembers: ["a"] },
      { add: ["b"], remove: [], spared: [] },
    ],
    [
      "exclusive: removes dropped managed and unmanaged alike",
      { oldManaged: ["a", "b"], wanted: ["a"], exclusive: true, currentMembers: ["a", "b", "x"] },
      { add: [], remove: ["b", "x"], spared: [] },
    ],
    [
      "no change is no request",
      { oldManaged: ["a", "b"], wanted: ["b", "a"], exclusive: false },
      { add: [], remove: [], spared: [] },
    ],
  ])("%s", (_name, input, expected) => {
    expect(planUpdate(input)).toEqual(expected);
  });

  it("never removes a protected user, whatever the mode and sets (1,000 random cases)", () => {
    const pool = ["a", "b", "c", "d", "e", "f"];
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = (): string[] => pool.filter(() => random() < 0.5);
    for (let i = 0; i < 1000; i++) {
      const protectedIds = pick();
      const input = { oldManaged: pick(), wanted: pick(), exclusive: random() < 0.5, currentMembers: pick(), protectedIds };
      const plan = planUpdate(input);
      expect(plan.remove.filter((id) => protectedIds.includes(id))).toEqual([]);
      expect(plan.remove.filter((id) => input.wanted.includes(id))).toEqual([]);
      if (!input.exclusive) expect(plan.remove.filter((id) => !input.oldManaged.includes(id))).toEqual([]);
    }
  });
});

describe("planDelete", () => {
  it.each<[string, Parameters<typeof planDelete>[0], string[], string[]]>([
    ["removes every managed user", { managed: ["b", "a"] }, ["a", "b"], []],
    ["never a protected one", { managed: ["a", "admin"], protectedIds: ["admin"] }, ["a"], ["admin"]],
    ["users already gone need no request", { managed: ["a", "b"], currentMembers: ["b", "x"] }, ["b"], []],
    ["nothing managed, nothing removed", { managed: [] }, [], []],
  ])("%s", (_name, input, remove, spared) => {
    expect(planDelete(input)).toEqual({ add: [], remove, spared });
  });
});

describe("checkRemovalLimit", () => {
  const users = (count: number): string[] => Array.from({ length: count }, (_, i) => `user_${String(i).padStart(2, "0")}`);
  it.each<[number, number | undefined | null, string | undefined]>([
    [3, 2, "would remove 3 users (user_00, user_01, user_02), more than maxRemovals (2); raise maxRemovals or split the change"],
    [1, 0, "would remove 1 user (user_00), more than maxRemovals (0); raise maxRemovals or split the change"],
    [10, 10, undefined],
    [0, 0, undefined],
    [1_000, undefined, undefined],
    [5, null, undefined],
  ])("removing %p with maxRemovals %p", (count, limit, expected) => {
    expect(checkRemovalLimit(users(count), limit)).toBe(expected);
  });

  it("names the first 20 users and counts the rest", () => {
    expect(checkRemovalLimit(users(37), 10)).toMatch(/^would remove 37 users \(user_00, .*, user_19 and 17 more\), more than maxRemovals \(10\)/);
  });
});

describe("removalsOverLimit: the guard check applies at preview (issue 16, item 5)", () => {
  // The inputs the state records: a map after an up, and after a refresh.
  const olds = { workspaceId: "platform", userIds: { a: true, b: true, c: true, d: true }, exclusive: false };

  it.each<[string, Record<string, unknown>, unknown]>([
    ["a change over the new limit names whom it removes", { workspaceId: "platform", userIds: { a: true }, maxRemovals: 1 }, { remove: ["b", "c", "d"], maxRemovals: 1 }],
    ["a user protected now is not counted", { workspaceId: "platform", userIds: { a: true }, protectedUserIds: { b: true }, maxRemovals: 1 }, { remove: ["c", "d"], maxRemovals: 1 }],
    ["within the limit, nothing", { workspaceId: "platform", userIds: { a: true, b: true }, maxRemovals: 2 }, undefined],
    ["without a limit, nothing", { workspaceId: "platform", userIds: {} }, undefined],
    ["on another workspace, nothing (up guards the delete a move starts with)", { workspaceId: "elsewhere", userIds: {}, maxRemovals: 0 }, undefined],
    ["while the users are a preview unknown, nothing", { workspaceId: "platform", userIds: UNKNOWN, maxRemovals: 0 }, undefined],
    ["on create (no recorded inputs), nothing", { workspaceId: "platform", userIds: {}, maxRemovals: 0 }, undefined],
  ])("%s", (name, news, expected) => {
    expect(removalsOverLimit(name.startsWith("on create") ? {} : olds, news, "workspaceId")).toEqual(expected);
  });
});

describe("diffMembers", () => {
  const WORKSPACE_UUID = "0b9e4a52-3f0e-4d8e-9c2f-1f7d2a6b8c01";
  const OTHER_UUID = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
  const olds = {
    workspaceId: "ml-research",
    workspaceUuid: WORKSPACE_UUID,
    userIds: ["user_a", "user_b"],
    exclusive: false,
    protectedUserIds: [],
    memberships: [],
    __provider: "serialized",
  };
  const news = {
    workspaceId: "ml-research",
    userIds: { user_a: true, user_b: true },
    exclusive: false,
    __provider: "serialized",
  };
  const noChange = { changes: false, replaces: [] };
  const update = { changes: true, replaces: [] };
  const replace = { changes: true, replaces: ["workspaceId"], deleteBeforeReplace: true };
  const unknown = { changes: undefined, replaces: [] };

  it.each<[string, Record<string, unknown>, Record<string, unknown>, object]>([
    ["array-form state vs map-form inputs with the same members", olds, news, noChange],
    ["reordered array inputs", olds, { ...news, userIds: ["user_b", "user_a"] }, noChange],
    ["map-form state (odd case) vs map-form inputs", { ...olds, userIds: { user_b: true, user_a: true } }, news, noChange],
    ["absent protectedUserIds vs empty map", { ...olds, protectedUserIds: undefined }, { ...news, protectedUserIds: {} }, noChange],
    ["absent exclusive in old state is false", { ...olds, exclusive: undefined }, news, noChange],
    ["one user added", olds, { ...news, userIds: { user_a: true, user_b: true, user_c: true } }, update],
    ["one user removed", olds, { ...news, userIds: { user_a: true } }, update],
    ["as many users, one of them another", olds, { ...news, userIds: { user_a: true, user_c: true } }, update],
    ["map-form inputs in another key order", olds, { ...news, userIds: { user_b: true, user_a: true } }, noChange],
    ["emptied", olds, { ...news, userIds: {} }, update],
    ["exclusive toggled on", olds, { ...news, exclusive: true }, update],
    ["exclusive toggled off", { ...olds, exclusive: true }, news, update],
    ["a user protected", olds, { ...news, protectedUserIds: { admin: true } }, update],
    ["maxRemovals set", olds, { ...news, maxRemovals: 10 }, update],
    ["maxRemovals changed", { ...olds, maxRemovals: 10 }, { ...news, maxRemovals: 5 }, update],
    ["maxRemovals dropped", { ...olds, maxRemovals: 10 }, news, update],
    ["maxRemovals 0 is not absent", { ...olds, maxRemovals: 0 }, news, update],
    ["maxRemovals unchanged", { ...olds, maxRemovals: 10 }, { ...news, maxRemovals: 10 }, noChange],
    ["maxRemovals null in state is absent", { ...olds, maxRemovals: null }, news, noChange],
    ["unconfirmed users in state, inputs unchanged (issue #13)", { ...olds, unconfirmedUserIds: ["user_c"] }, news, update],
    ["an empty unconfirmedUserIds is no change", { ...olds, unconfirmedUserIds: [] }, news, noChange],
    ["another workspace", olds, { ...news, workspaceId: "other-team" }, replace],
    ["another workspace by UUID", olds, { ...news, workspaceId: OTHER_UUID }, replace],
    ["slug to its own UUID", olds, { ...news, workspaceId: WORKSPACE_UUID }, update],
    ["own UUID in upper case", { ...olds, workspaceId: WORKSPACE_UUID }, { ...news, workspaceId: WORKSPACE_UUID.toUpperCase() }, update],
    ["UUID to its slug, when the outputs carry the slug", { ...olds, workspaceId: WORKSPACE_UUID, workspaceSlug: "ml-research" }, news, update],
    ["UUID to a slug the diff cannot match", { ...olds, workspaceId: WORKSPACE_UUID }, news, replace],
    ["workspace change wins over unknown members", olds, { ...news, workspaceId: "other-team", userIds: UNKNOWN }, replace],
    ["unknown userIds", olds, { ...news, userIds: UNKNOWN }, unknown],
    ["an unknown inside userIds", olds, { ...news, userIds: ["user_a", UNKNOWN] }, unknown],
    ["unknown exclusive", olds, { ...news, exclusive: UNKNOWN }, unknown],
    ["unknown protectedUserIds", olds, { ...news, protectedUserIds: UNKNOWN }, unknown],
    ["unknown maxRemovals", olds, { ...news, maxRemovals: UNKNOWN }, unknown],
    ["unknown workspaceId may replace", olds, { ...news, workspaceId: UNKNOWN }, { ...replace, changes: undefined }],
    ["unknown provider is not a member change", olds, { ...news, __provider: UNKNOWN }, noChange],
  ])("%s", (_name, oldOutputs, newInputs, expected) => {
    expect(diffMembers(oldOutputs, newInputs)).toEqual(expected);
  });

  describe("people named by email (issue 15)", () => {
    // user_a by id, user_c only by email, user_d both ways; the state's userIds hold all three.
    const named = {
      ...olds,
      userIds: ["user_a", "user_c", "user_d"],
      emails: ["carol@example.com", "dave@example.com"],
      emailUserIds: { "carol@example.com": "user_c", "dave@example.com": "user_d" },
      doublyNamedUserIds: ["user_d"],
    };
    const program = {
      ...news,
      userIds: { user_a: true, user_d: true },
      emails: { "carol@example.com": true, "dave@example.com": true },
    };
    it.each<[string, Record<string, unknown>, Record<string, unknown>, object]>([
      ["the same people, named the same ways", named, program, noChange],
      ["an email added", named, { ...program, emails: { ...program.emails, "erin@example.com": true } }, update],
      ["an email removed", named, { ...program, emails: { "dave@example.com": true } }, update],
      ["a user named by email moved to userIds", named, { ...program, userIds: { ...program.userIds, user_c: true }, emails: { "dave@example.com": true } }, update],
      ["a user named both ways now named by email only", named, { ...program, userIds: { user_a: true } }, update],
      ["the email of a member that left the state's emails (removed by hand, or renamed)", { ...named, emails: ["dave@example.com"] }, program, update],
      ["emails in a state written before they existed: none", olds, { ...news, emails: {} }, noChange],
      ["unknown emails", named, { ...program, emails: UNKNOWN }, unknown],
      ["an unknown inside emails", named, { ...program, emails: ["carol@example.com", UNKNOWN] }, unknown],
    ])("%s", (_name, oldOutputs, newInputs, expected) => {
      expect(diffMembers(oldOutputs, newInputs)).toEqual(expected);
    });
  });

  it("never throws on junk state or inputs", () => {
    const junk: unknown[] = [undefined, null, 0, "", "x", [], {}, [null], { a: { b: 1 } }, UNKNOWN, Number.NaN];
    for (const a of junk) {
      for (const b of junk) {
        const outputs = {
          workspaceId: a,
          workspaceUuid: b,
          userIds: a,
          emails: b,
          emailUserIds: a,
          doublyNamedUserIds: b,
          exclusive: b,
          protectedUserIds: a,
          maxRemovals: b,
        };
        const inputs = { workspaceId: b, userIds: b, emails: a, exclusive: a, protectedUserIds: b, maxRemovals: a };
        expect(() => diffMembers(outputs, inputs)).not.toThrow();
      }
    }
  });
});
