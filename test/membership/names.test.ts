/**
 * How a state remembers the names its program gave people (issue 15): which managed users
 * an email named, which the program lists by id, what the outputs store, and what a refresh
 * keeps once the directory has changed. Pure.
 */
import { PeopleDirectory, resolvePeople } from "../../provider/core/people";
import { readIds } from "../../provider/core/sets";
import { NO_NAMES, namedById, namesState, namesStillTrue, recordedNames, resolvedNames } from "../../provider/membership/names";

const directory = new PeopleDirectory([
  { userId: "user_alice", email: "alice@example.com" },
  { userId: "user_bob", email: "bob@example.com" },
  { userId: "user_carol", email: "carol@example.com" },
]);

// alice by id only, bob by email only, carol both ways.
const userIds = readIds({ user_alice: true, user_carol: true });
const names = resolvedNames(userIds, resolvePeople({ userIds, emails: ["BOB@example.com", "carol@example.com"] }, directory));

describe("the names of a resolution", () => {
  it("records each email's user, and who is named both ways", () => {
    expect([...names.emailUserIds]).toEqual([
      ["bob@example.com", "user_bob"],
      ["carol@example.com", "user_carol"],
    ]);
    expect([...names.doublyNamed]).toEqual(["user_carol"]);
  });

  it("is nobody when no email was given", () => {
    expect(resolvedNames(userIds, resolvePeople({ userIds, emails: [] }, directory))).toBe(NO_NAMES);
  });
});

describe("namedById", () => {
  it("leaves out the users only an email names", () => {
    expect([...namedById(readIds(["user_alice", "user_bob", "user_carol"]), names).ids]).toEqual(["user_alice", "user_carol"]);
  });

  it("returns the managed set itself when nobody is named by email", () => {
    const managed = readIds(["user_alice", "user_bob"]);
    expect(namedById(managed, NO_NAMES)).toBe(managed);
  });
});

describe("namesState", () => {
  it("stores the emails whose user is a member, and keeps the unconfirmed one's email in emailUserIds only", () => {
    expect(namesState(names, ["user_alice", "user_carol"], ["user_bob"])).toEqual({
      emails: ["carol@example.com"],
      emailUserIds: { "bob@example.com": "user_bob", "carol@example.com": "user_carol" },
      doublyNamedUserIds: ["user_carol"],
    });
  });

  it("forgets an email whose user is no longer managed", () => {
    expect(namesState(names, ["user_alice"], [])).toEqual({ emails: [], emailUserIds: {}, doublyNamedUserIds: [] });
  });

  it("reads back what it stored, and a state written before emails existed as nobody named by email", () => {
    const stored = namesState(names, ["user_alice", "user_bob", "user_carol"], []);
    const read = recordedNames(JSON.parse(JSON.stringify(stored)));
    expect([...read.emailUserIds]).toEqual([...names.emailUserIds]);
    expect([...read.doublyNamed]).toEqual([...names.doublyNamed]);
    expect(recordedNames({})).toBe(NO_NAMES);
    expect(recordedNames({ emailUserIds: ["junk"], doublyNamedUserIds: 3 })).toBe(NO_NAMES);
  });
});

describe("namesStillTrue (refresh)", () => {
  it("keeps the names unchanged while the directory agrees", () => {
    expect(namesStillTrue(names, directory)).toBe(names);
  });

  it("drops an email that now names nobody or someone else, and leaves its user named by id if the program did so", () => {
    const changed = new PeopleDirectory([
      { userId: "user_alice", email: "alice@example.com" },
      { userId: "user_bob", email: "robert@example.com" },
      { userId: "user_dave", email: "carol@example.com" },
      { userId: "user_carol", email: "carol.new@example.com" },
    ]);
    const kept = namesStillTrue(names, changed);
    expect([...kept.emailUserIds]).toEqual([]);
    expect([...kept.doublyNamed]).toEqual([]);
  });
});
