/**
 * People named by id and by email, resolved with the organization's directory (issue 15):
 * the email rule every check shares, the directory's lookups, and the resolution every
 * set-membership resource and the members file use. Pure: no emulator needed.
 */
import { emailProblem } from "../../provider/core/ids";
import { closestName, notInOrganization } from "../../provider/core/messages";
import { PeopleDirectory, resolvePeople } from "../../provider/core/people";
import { readIds } from "../../provider/core/sets";

const DIRECTORY = new PeopleDirectory([
  { userId: "user_alice", email: "Alice.Nakamura@Example.com" },
  { userId: "user_bob", email: "bob.okafor@example.com" },
  { userId: "user_carol", email: "carol.lindqvist@example.com" },
]);

describe("emailProblem", () => {
  it.each(["alice@example.com", "Alice.Nakamura@Example.COM", "a+tag@sub.example.org", "o'brien@example.ie", "x@y", "ü@example.com"])(
    "accepts %p",
    (email) => {
      expect(emailProblem(email)).toBeUndefined();
    },
  );

  it.each<[string, string]>([
    ["", 'is blank: ""'],
    ["   ", 'is blank: "   "'],
    ["alice", 'is not an email (no "@" between a name and a domain): "alice"'],
    ["@example.com", 'is not an email (no "@" between a name and a domain): "@example.com"'],
    ["alice@", 'is not an email (no "@" between a name and a domain): "alice@"'],
    [" alice@example.com", 'has leading or trailing whitespace: " alice@example.com"'],
    ["alice @example.com", 'contains whitespace: "alice @example.com"'],
    ["alice\u200b@example.com", 'contains control or invisible characters: "alice\\u200b@example.com"'],
    ["__proto__@example.com", 'starts with "__", which is reserved: "__proto__@example.com"'],
    [`${"a".repeat(250)}@example.com`, "is 262 characters long, more than 256"],
  ])("refuses %p: %s", (email, problem) => {
    expect(emailProblem(email)).toContain(problem);
  });
});

describe("PeopleDirectory", () => {
  it("finds a user by email in any case, and tells members by id", () => {
    expect(DIRECTORY.userIdOf("alice.nakamura@example.com")).toBe("user_alice");
    expect(DIRECTORY.userIdOf("BOB.OKAFOR@EXAMPLE.COM")).toBe("user_bob");
    expect(DIRECTORY.userIdOf("nobody@example.com")).toBeUndefined();
    expect(DIRECTORY.has("user_carol")).toBe(true);
    expect(DIRECTORY.has("user_mallory")).toBe(false);
  });

  it("suggests the email or the id a typo most likely misspells, lower-cased, and nothing when none is near", () => {
    expect(DIRECTORY.closestEmail("alice.nakamora@example.com")).toBe("alice.nakamura@example.com");
    expect(DIRECTORY.closestEmail("bob.okafor@exmaple.com")).toBe("bob.okafor@example.com");
    expect(DIRECTORY.closestEmail("zed@elsewhere.org")).toBeUndefined();
    expect(DIRECTORY.closestUserId("user_carl")).toBe("user_carol");
  });
});

describe("resolvePeople", () => {
  it("joins the users the emails name to the ids, each user once, and maps each email (lower-cased) to its user", () => {
    const resolved = resolvePeople(
      { userIds: ["user_alice", "user_dave"], emails: ["ALICE.NAKAMURA@example.com", "bob.okafor@example.com", "Bob.Okafor@Example.com"] },
      DIRECTORY,
    );
    expect([...resolved.userIds.ids].sort()).toEqual(["user_alice", "user_bob", "user_dave"]);
    expect([...resolved.emailUserIds]).toEqual([
      ["alice.nakamura@example.com", "user_alice"],
      ["bob.okafor@example.com", "user_bob"],
    ]);
    expect(resolved.unknown).toEqual([]);
  });

  it("takes the ids as they are (the service judges them) and keeps the given set when no email adds anyone", () => {
    const userIds = readIds({ user_x: true, user_alice: true });
    const resolved = resolvePeople({ userIds, emails: ["alice.nakamura@example.com"] }, DIRECTORY);
    expect(resolved.userIds).toBe(userIds);
  });

  it("lists each email that names nobody once, in the order given, with the nearest email when one is near", () => {
    const resolved = resolvePeople(
      { userIds: [], emails: ["carol.lindqvist@exmaple.com", "zed@elsewhere.org", "Carol.Lindqvist@Exmaple.com", "bob.okafor@example.com"] },
      DIRECTORY,
    );
    expect(resolved.unknown).toEqual([{ email: "carol.lindqvist@exmaple.com", closest: "carol.lindqvist@example.com" }, { email: "zed@elsewhere.org" }]);
    expect([...resolved.userIds.ids]).toEqual(["user_bob"]);
  });

  it("looks up suggestions for the first twenty unknown emails only: a message shows no more", () => {
    const typos = Array.from({ length: 25 }, (_, i) => `bob.okafor${i}@example.com`);
    const { unknown } = resolvePeople({ userIds: [], emails: typos }, DIRECTORY);
    expect(unknown).toHaveLength(25);
    expect(unknown.slice(0, 10).every((u) => u.closest === "bob.okafor@example.com")).toBe(true);
    expect(unknown.slice(20).every((u) => u.closest === undefined)).toBe(true);
  });
});

describe("the message for someone the organization does not have", () => {
  it("names them, and the nearest name when there is one", () => {
    expect(notInOrganization("grace.kowalsky@example.com", "grace.kowalski@example.com")).toBe(
      '"grace.kowalsky@example.com" is no member of the organization (did you mean "grace.kowalski@example.com"?)',
    );
    expect(notInOrganization("user_zed", undefined)).toBe('"user_zed" is no member of the organization');
  });

  it.each<[string, string | undefined]>([
    ["email", "emails"],
    ["mail", "emails"],
    ["workspace_id", "workspaceId"],
    ["USERIDS", "userIds"],
    ["protected", undefined],
    ["x", undefined],
  ])("closestName, which skips names too long or short to be near, still finds %p -> %p", (typo, expected) => {
    expect(closestName(typo, ["exclusive", "protectedUserIds", "userIds", "emails", "maxRemovals", "workspaceId"])).toBe(expected);
  });
});
