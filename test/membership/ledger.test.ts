import { MembershipLedger } from "../../provider/membership/ledger";
import type { Membership } from "../../provider/api/types";

const membership = (userId: string, id = `m-${userId}`): Membership => ({ id, userId, workspaceId: "ws", role: "member", createdAt: "2026-01-01T00:00:00Z" });
const users = (ledger: MembershipLedger<Membership>) => ledger.snapshot().userIds;

describe("MembershipLedger", () => {
  it("records only confirmed changes on top of what was known, sorted by user id", () => {
    const ledger = new MembershipLedger(["b", "d", "f"].map((u) => membership(u)));
    // Answers arrive in any order; added users fall between known ones.
    ledger.confirmAdded([membership("e"), membership("a")]);
    ledger.confirmAdded([membership("c"), membership("g")]);
    ledger.forget(["d", "f"]);
    const { userIds, memberships } = ledger.snapshot();
    expect(userIds).toEqual(["a", "b", "c", "e", "g"]);
    expect(memberships.map((m) => m.userId)).toEqual(userIds);
  });

  it("sorts a known list given out of order, and a re-added user replaces its known membership", () => {
    const ledger = new MembershipLedger([membership("z"), membership("m"), membership("a")]);
    ledger.confirmAdded([membership("m", "m-new")]);
    expect(ledger.snapshot().memberships.map((m) => `${m.userId}:${m.id}`)).toEqual(["a:m-a", "m:m-new", "z:m-z"]);
  });

  it("a user forgotten and then confirmed again is recorded; confirmed and then forgotten is not", () => {
    const ledger = new MembershipLedger([membership("a"), membership("b")]);
    ledger.forget(["a"]);
    ledger.confirmAdded([membership("a", "m-again")]);
    ledger.confirmAdded([membership("c")]);
    ledger.forget(["c"]);
    expect(ledger.snapshot().memberships.map((m) => `${m.userId}:${m.id}`)).toEqual(["a:m-again", "b:m-b"]);
  });

  it("records unconfirmed users apart: never as a membership, never forgotten (issue #13)", () => {
    const ledger = new MembershipLedger([membership("a"), membership("b")]);
    ledger.confirmAdded([membership("c")]);
    ledger.markUnconfirmed(["d", "c", "b"]);
    expect(ledger.snapshot()).toEqual({
      userIds: ["a"],
      memberships: [membership("a")],
      unconfirmedUserIds: ["b", "c", "d"],
    });
  });

  it("a later confirmation or forgetting settles an unconfirmed user", () => {
    const ledger = new MembershipLedger();
    ledger.markUnconfirmed(["a", "b"]);
    ledger.confirmAdded([membership("a")]);
    ledger.forget(["b"]);
    expect(ledger.snapshot()).toEqual({ userIds: ["a"], memberships: [membership("a")], unconfirmedUserIds: [] });
  });

  it("merges 100 changes into 10,000 known members in order", () => {
    const id = (i: number) => `user_${String(i).padStart(5, "0")}`;
    const known = Array.from({ length: 10_000 }, (_, i) => membership(id(2 * i)));
    const ledger = new MembershipLedger(known);
    ledger.confirmAdded(Array.from({ length: 100 }, (_, i) => membership(id(200 * i + 1))).reverse());
    ledger.forget(Array.from({ length: 100 }, (_, i) => id(200 * i)));
    const { userIds } = ledger.snapshot();
    expect(userIds).toHaveLength(10_000);
    expect(userIds).toEqual([...userIds].sort());
    expect(new Set(userIds).size).toBe(10_000);
    expect(users(ledger)).toContain(id(1));
    expect(users(ledger)).not.toContain(id(0));
  });
});
