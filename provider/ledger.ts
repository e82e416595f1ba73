import type { Membership } from "./types";

/**
 * What this resource may record as managed members: only facts the service confirmed.
 *
 * It starts from what is known before an operation (the old state, or the listed members
 * in exclusive mode) and changes only when an answer confirms a change, so at any moment,
 * including after a failure part-way, `snapshot()` is the truth to store in state.
 */
export class MembershipLedger {
  private readonly members = new Map<string, Membership>();

  constructor(known: Iterable<Membership> = []) {
    this.include(known);
  }

  /** Memberships known before the operation: from the state, or from a listing. */
  include(known: Iterable<Membership>): void {
    for (const membership of known) this.members.set(membership.userId, membership);
  }

  /** Memberships the service returned for an add. */
  confirmAdded(memberships: Iterable<Membership>): void {
    for (const membership of memberships) this.members.set(membership.userId, membership);
  }

  /** Users the service confirmed gone, or that this resource stops managing. */
  forget(userIds: Iterable<string>): void {
    for (const userId of userIds) this.members.delete(userId);
  }

  /**
   * Keeps these users recorded but drops what was known of their membership (an empty id):
   * a change to them was sent and neither confirmed nor refuted.
   */
  markUnconfirmed(userIds: Iterable<string>): void {
    for (const userId of userIds) {
      const known = this.members.get(userId);
      if (known !== undefined) this.members.set(userId, { ...known, id: "", role: "", createdAt: "" });
    }
  }

  /** Sorted user ids and memberships, as the outputs store them. */
  snapshot(): { userIds: string[]; memberships: Membership[] } {
    const memberships = [...this.members.values()].sort((a, b) => compareIds(a.userId, b.userId));
    return { userIds: memberships.map((m) => m.userId), memberships };
  }
}

/** Code-unit order, the same on every machine (unlike `localeCompare`). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
