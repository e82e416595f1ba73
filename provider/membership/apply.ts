/**
 * Carrying out a plan on a set of members: the adds and removes in chunks, a bounded number
 * at once, recording in a ledger only what the service confirmed, and settling with one
 * listing every change whose answer was lost. Knows nothing of workspaces or Pulumi: the
 * routes come in as {@link MemberRoutes}, so any set-membership resource can use it.
 */
import { runBounded } from "../core/bounded";
import { isTransient } from "../api/retry";
import { OpenRouterApiError, OpenRouterArgumentError, OpenRouterNotFoundError, isOpenRouterError } from "../core/errors";
import { formatIds } from "../core/messages";
import { chunk } from "../core/sets";
import type { MemberRecord, MembershipLedger } from "./ledger";

/** The routes one set of members is changed through. */
export interface MemberRoutes<T extends MemberRecord> {
  /**
   * One bulk add. Only the records in the answer are facts: it may hold fewer than asked.
   * `undefined`: the answer confirms no one by name (a guardrail's assign answers with a
   * count), so the one listing that settles the operation confirms these adds.
   */
  add(userIds: string[]): Promise<T[] | undefined>;
  /** One bulk remove; the count of members the service says it removed. */
  remove(userIds: string[]): Promise<number>;
  /** Every current record, every page. */
  list(): Promise<T[]>;
  /**
   * Which of `userIds` may never join the set (users outside the organization), asked when
   * the service refuses a whole add (400) without saying whom it refuses. Without it, such
   * a refusal fails its batch.
   */
  outsiders?(userIds: readonly string[]): Promise<string[]>;
}

/** How the changes are sent. */
export interface ApplyOptions {
  /** Users a request carries at most. */
  batchSize: number;
  /** Requests in flight at most. */
  concurrency: number;
  /** A 404 on a remove means the set is gone with everyone in it (delete): done, not a failure. */
  goneIsDone?: boolean;
}

/** One thing that kept a plan from going through. */
export interface ApplyFailure {
  /** What happened, one line, for the error. */
  reason: string;
  /**
   * Whether running the same change again may finish it with nothing else changed (the
   * service or the network failed, an answer was lost). A refusal is not: something must
   * change first, and the caller says what.
   */
  retryable: boolean;
  /** The HTTP status of a refusal, so that the caller can say what to change. */
  status?: number;
  /** Sorted: the users a refusal named (removals the service would not make for them). */
  userIds?: string[];
}

/** What applying a plan did. */
export interface ApplyOutcome {
  /** Users confirmed added, and removed. */
  added: number;
  removed: number;
  /** Empty when everything went through. */
  failures: ApplyFailure[];
  /** Sorted: users the routes' `outsiders` named; never sent again, and everyone else of their batches was. */
  outsiders: string[];
  /** Users whose change was sent but neither confirmed nor refuted (also marked so in the ledger). */
  unconfirmed: string[];
}

/**
 * A change sent whose fate is unknown: its answer was lost, a remove counted fewer than
 * asked, or an add was answered without records.
 */
interface Unsettled {
  userId: string;
  change: "add" | "remove";
  /** Its answer came but did not settle it (a short count, an add answered with no records). */
  short: boolean;
}

/** What one batch did, beyond what it recorded in the ledger. */
interface BatchOutcome {
  added: number;
  removed: number;
  /** Asked to be added; the answer returned no record for them. */
  leftOut: string[];
  /** Refused by the service as outsiders (see {@link MemberRoutes.outsiders}). */
  outsiders: string[];
  /** Removals the service refused, each with its reason. */
  refused: { userId: string; reason: string }[];
  unsettled: Unsettled[];
}

/**
 * Sends `add` and `remove` in chunks, at most `options.concurrency` requests at once, and
 * records in `ledger` only what the service confirmed. Adds and removes concern disjoint
 * users, so they share one queue. After the first failure no new request starts; those in
 * flight finish, and every change whose fate is unknown is settled by one listing, never by
 * guessing: the state must neither claim a member who is gone nor forget one who is there.
 */
export async function applyChanges<T extends MemberRecord>(
  routes: MemberRoutes<T>,
  changes: { add: readonly string[]; remove: readonly string[] },
  ledger: MembershipLedger<T>,
  options: ApplyOptions,
): Promise<ApplyOutcome> {
  const batches = [
    ...chunk(changes.add, options.batchSize).map((userIds) => ({ change: "add" as const, userIds })),
    ...chunk(changes.remove, options.batchSize).map((userIds) => ({ change: "remove" as const, userIds })),
  ];
  // Batches that failed may still have changed something: filled in as they fail.
  const lost: Unsettled[] = [];
  const run = await runBounded(batches, options.concurrency, async ({ change, userIds }) => {
    try {
      return change === "add" ? await addBatch(routes, userIds, ledger) : await removeBatch(routes, userIds, ledger, options);
    } catch (error) {
      if (mayHaveApplied(error)) lost.push(...userIds.map((userId) => ({ userId, change, short: false })));
      throw error;
    }
  });

  const done = run.results.filter((result): result is BatchOutcome => result !== undefined);
  const outcome: ApplyOutcome = {
    added: sum(done, (batch) => batch.added),
    removed: sum(done, (batch) => batch.removed),
    failures: run.errors.map(toFailure),
    outsiders: done.flatMap((batch) => batch.outsiders),
    unconfirmed: [],
  };
  const unsettled = [...lost, ...done.flatMap((batch) => batch.unsettled)];
  const notListed = unsettled.length > 0 ? await settle(routes, unsettled, ledger, outcome) : [];

  // A member the service left out of its answer (or, for routes whose add answers with no
  // records, out of the listing after it), when the service does that rather than refuse:
  // an outsider if the routes can tell, else a failure without a reason.
  const leftOut = [...done.flatMap((batch) => batch.leftOut), ...notListed];
  const leftOutsiders = new Set(leftOut.length > 0 ? await outsidersAmong(routes, leftOut) : []);
  outcome.outsiders = [...outcome.outsiders, ...leftOutsiders].sort();
  const unexplained = leftOut.filter((userId) => !leftOutsiders.has(userId));
  if (unexplained.length > 0) {
    outcome.failures.push({ reason: `the service returned no membership for ${formatIds(unexplained)} and gave no reason`, retryable: true });
  }
  const refused = done.flatMap((batch) => batch.refused);
  if (refused.length > 0) {
    const reasons = [...new Set(refused.map((refusal) => refusal.reason))].join(" ");
    const userIds = refused.map((refusal) => refusal.userId).sort();
    outcome.failures.push({ reason: `the service refused to remove ${formatIds(userIds)}: ${reasons}`, retryable: false, userIds });
  }
  if (run.skipped > 0) outcome.failures.push({ reason: `${run.skipped} batch(es) not sent after the failure`, retryable: true });
  return outcome;
}

/**
 * Adds a batch. When the service refuses it whole (400) for users outside the organization,
 * which it does without naming them, the routes' `outsiders` name them (one listing, shared
 * by every batch of the operation) and the rest is sent again, so that every user who can
 * join does: as removals already retry without the users refused.
 */
async function addBatch<T extends MemberRecord>(routes: MemberRoutes<T>, userIds: string[], ledger: MembershipLedger<T>): Promise<BatchOutcome> {
  const outsiders: string[] = [];
  let pending = userIds;
  let records: T[] | undefined = [];
  while (pending.length > 0) {
    try {
      records = await routes.add(pending);
      break;
    } catch (error) {
      const refusedWhole = error instanceof OpenRouterApiError && error.status === 400;
      const found = refusedWhole ? await outsidersAmong(routes, pending) : [];
      if (found.length === 0) throw error;
      outsiders.push(...found);
      const foundSet = new Set(found);
      pending = pending.filter((userId) => !foundSet.has(userId));
    }
  }
  if (records === undefined) {
    const unsettled = pending.map((userId): Unsettled => ({ userId, change: "add", short: true }));
    return { added: 0, removed: 0, leftOut: [], outsiders, refused: [], unsettled };
  }
  const asked = new Set(pending);
  // Never record a user the service did not return a record for.
  const confirmed = records.filter((record) => asked.has(record.userId));
  ledger.confirmAdded(confirmed);
  const returned = new Set(confirmed.map((record) => record.userId));
  const leftOut = pending.filter((u) => !returned.has(u));
  return { added: confirmed.length, removed: 0, leftOut, outsiders, refused: [], unsettled: [] };
}

/**
 * The outsiders among `userIds`, by the routes' own judgement; none when the routes cannot
 * tell, or asking them failed (the failure that asked stands as it is).
 */
async function outsidersAmong<T extends MemberRecord>(routes: MemberRoutes<T>, userIds: readonly string[]): Promise<string[]> {
  if (routes.outsiders === undefined) return [];
  try {
    return await routes.outsiders(userIds);
  } catch {
    return [];
  }
}

async function removeBatch<T extends MemberRecord>(
  routes: MemberRoutes<T>,
  userIds: string[],
  ledger: MembershipLedger<T>,
  options: ApplyOptions,
): Promise<BatchOutcome> {
  const { removedCount, sent, refused } = await removeRefusingSome(routes, userIds, options.goneIsDone ?? false);
  const result: BatchOutcome = { added: 0, removed: 0, leftOut: [], outsiders: [], refused, unsettled: [] };
  if (removedCount >= sent.length) {
    ledger.forget(sent);
    result.removed = sent.length;
  } else {
    result.unsettled = sent.map((userId) => ({ userId, change: "remove", short: true }));
  }
  return result;
}

/**
 * Settles changes whose fate is unknown with one listing: an add that arrived is recorded
 * with the record listed, a removal that happened is forgotten. If the listing fails too,
 * the users are recorded as unconfirmed, and the error says so. Returns the adds that were
 * answered without records and that the listing does not show either.
 */
async function settle<T extends MemberRecord>(
  routes: MemberRoutes<T>,
  unsettled: Unsettled[],
  ledger: MembershipLedger<T>,
  outcome: ApplyOutcome,
): Promise<string[]> {
  let listed: Map<string, T>;
  try {
    listed = new Map((await routes.list()).map((record) => [record.userId, record]));
  } catch (error) {
    outcome.unconfirmed = unsettled.map((u) => u.userId);
    ledger.markUnconfirmed(outcome.unconfirmed);
    outcome.failures.push({
      reason:
        `could not confirm what happened to ${formatIds(outcome.unconfirmed)}: ${errorMessage(error)}; ` +
        "they are recorded in unconfirmedUserIds, and the next update, refresh or destroy settles them",
      retryable: true,
    });
    return [];
  }
  const notRemoved: string[] = [];
  const notAdded: string[] = [];
  for (const { userId, change, short } of unsettled) {
    const record = listed.get(userId);
    if (change === "add" && record !== undefined) {
      ledger.confirmAdded([record]);
      outcome.added++;
    } else if (change === "remove" && record === undefined) {
      ledger.forget([userId]);
      outcome.removed++;
    } else if (change === "remove" && short) {
      notRemoved.push(userId);
    } else if (change === "add" && short) {
      notAdded.push(userId);
    }
  }
  if (notRemoved.length > 0) {
    outcome.failures.push({ reason: `the service did not remove ${formatIds(notRemoved)} and gave no reason`, retryable: true });
  }
  return notAdded;
}

/**
 * Removes a batch. When the service refuses some users of it (active API keys, SCIM), the
 * whole request changes nothing and the refusal names them: send the rest again without
 * them, so every removable member still goes. A refusal naming none of the batch (the
 * default workspace) is an error for the whole batch.
 */
async function removeRefusingSome<T extends MemberRecord>(
  routes: MemberRoutes<T>,
  userIds: string[],
  goneIsDone: boolean,
): Promise<{ removedCount: number; sent: string[]; refused: { userId: string; reason: string }[] }> {
  const refused: { userId: string; reason: string }[] = [];
  let pending = userIds;
  while (pending.length > 0) {
    try {
      return { removedCount: await routes.remove(pending), sent: pending, refused };
    } catch (error) {
      if (goneIsDone && error instanceof OpenRouterNotFoundError) {
        return { removedCount: pending.length, sent: pending, refused };
      }
      const named = error instanceof OpenRouterApiError && (error.status === 400 || error.status === 403) ? error.usersNamed(pending) : [];
      if (named.length === 0) throw error;
      refused.push(...named.map((userId) => ({ userId, reason: (error as OpenRouterApiError).serviceMessage })));
      const namedSet = new Set(named);
      pending = pending.filter((u) => !namedSet.has(u));
    }
  }
  return { removedCount: 0, sent: [], refused };
}

/**
 * Whether a failed request may still have changed something. The client judges every
 * attempt it made (a refusal at the end does not undo an earlier attempt that went
 * through); a request refused before it was sent changed nothing; any other failure may
 * or may not have.
 */
function mayHaveApplied(error: unknown): boolean {
  if (isOpenRouterError(error) && error.mayHaveApplied !== undefined) return error.mayHaveApplied;
  return !(error instanceof OpenRouterArgumentError);
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toFailure(error: unknown): ApplyFailure {
  const status = error instanceof OpenRouterApiError ? error.status : undefined;
  return { reason: errorMessage(error), retryable: isTransient(error), ...(status === undefined ? {} : { status }) };
}
