import { lowerBound } from "../core/sets";

/** A record of one member of a set, as the service returns it (a membership, an assignment). */
export interface MemberRecord {
  userId: string;
}

/**
 * What a set-membership resource may record as managed members: only facts the service
 * confirmed.
 *
 * It starts from what is known before an operation (the old state, or a listing) and
 * changes only when an answer confirms a change, so at any moment, including after a
 * failure part-way, `snapshot()` is the truth to store in state. A user whose change was
 * sent but neither confirmed nor refuted is recorded as exactly that: unconfirmed, apart
 * from the memberships, which hold only records the service returned.
 *
 * The known memberships are kept as given and the changes beside them, merged only by
 * `snapshot()`: an update of a 10,000-member state then costs work in proportion to what
 * changed until the answers are in, rather than rebuilding the whole record up front. The
 * merge, too, searches the sorted known record for each changed user rather than looking
 * up each known member among the changes: it runs after the last answer, where every
 * millisecond is added to the update's wall time.
 */
export class MembershipLedger<T extends MemberRecord> {
  /** Confirmed by this operation (an add's answer, or a listing). */
  private readonly changed = new Map<string, T>();
  /**
   * Users whose `known` record no longer stands: replaced by a `changed` one, or no longer
   * recorded at all (confirmed gone, no longer managed, or unconfirmed). One set, so that
   * `snapshot` makes one lookup per known member.
   */
  private readonly superseded = new Set<string>();
  /** Sent a change whose fate is unknown. */
  private readonly unconfirmed = new Set<string>();

  /** `known`: one membership per user, ideally sorted by user id (then `snapshot` need not sort). */
  constructor(private readonly known: readonly T[] = []) {}

  /** Memberships the service returned for an add, or a listing showed. */
  confirmAdded(memberships: Iterable<T>): void {
    for (const membership of memberships) {
      this.changed.set(membership.userId, membership);
      this.superseded.add(membership.userId);
      this.unconfirmed.delete(membership.userId);
    }
  }

  /** Users the service confirmed gone, or that this resource stops managing. */
  forget(userIds: Iterable<string>): void {
    for (const userId of userIds) {
      this.superseded.add(userId);
      this.changed.delete(userId);
      this.unconfirmed.delete(userId);
    }
  }

  /**
   * Users to whom a change was sent that was neither confirmed nor refuted (the answer was
   * lost, and so was the listing meant to settle it). They leave the memberships, which
   * claim nothing the service did not return, and are recorded as unconfirmed: an add that
   * may have happened is never forgotten, a removal that may have happened never claimed.
   */
  markUnconfirmed(userIds: Iterable<string>): void {
    for (const userId of userIds) {
      this.unconfirmed.add(userId);
      this.superseded.add(userId);
      this.changed.delete(userId);
    }
  }

  /** Sorted user ids and memberships, and the sorted unconfirmed users, as the outputs store them. */
  snapshot(): { userIds: string[]; memberships: T[]; unconfirmedUserIds: string[] } {
    const known = isSortedByUser(this.known) ? this.known : [...this.known].sort(byUser);
    const memberships = replaceChanged(known, this.superseded, [...this.changed.values()].sort(byUser));
    return { userIds: memberships.map((m) => m.userId), memberships, unconfirmedUserIds: [...this.unconfirmed].sort() };
  }
}

/**
 * `known` (sorted by user id) without the `superseded` users' records and with `changed`
 * (sorted, each user superseded) in their places: one search per superseded or changed
 * user, then one pass that copies the rest without comparing a single id.
 */
function replaceChanged<T extends MemberRecord>(known: readonly T[], superseded: ReadonlySet<string>, changed: readonly T[]): T[] {
  const dropped = new Uint8Array(known.length);
  for (const userId of superseded) {
    for (let at = lowerBound(known, userId, userIdOf); at < known.length && (known[at] as T).userId === userId; at++) dropped[at] = 1;
  }
  const insertAt = changed.map((m) => lowerBound(known, m.userId, userIdOf));
  const out: T[] = [];
  let next = 0;
  for (let i = 0; i < known.length; i++) {
    while (next < changed.length && insertAt[next] === i) out.push(changed[next++] as T);
    if (dropped[i] === 0) out.push(known[i] as T);
  }
  while (next < changed.length) out.push(changed[next++] as T);
  return out;
}

const userIdOf = (m: MemberRecord): string => m.userId;

function isSortedByUser(memberships: readonly MemberRecord[]): boolean {
  for (let i = 1; i < memberships.length; i++) {
    if ((memberships[i - 1] as MemberRecord).userId >= (memberships[i] as MemberRecord).userId) return false;
  }
  return true;
}

/** By user id in code-unit order, the same on every machine (unlike `localeCompare`). */
function byUser(a: MemberRecord, b: MemberRecord): number {
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}
