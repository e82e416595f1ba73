/**
 * Carrying out a plan on a set of members: the adds and removes in chunks, a bounded number
 * at once, recording in a ledger only what the service confirmed, and settling with one
 * listing every change whose answer was lost. Knows nothing of workspaces or Pulumi: the
 * routes come in as {@link MemberRoutes}, so any set-membership resource can use it.
 */
import { runBounded } from "../core/bounded";
import { OpenRouterApiError, OpenRouterArgumentError, OpenRouterNotFoundError, isOpenRouterError } from "../core/errors";
import { formatIds } from "../core/messages";
import { chunk } from "../core/sets";
import type { MemberRecord, MembershipLedger } from "./ledger";

/** The routes one set of members is changed through. */
export interface MemberRoutes<T extends MemberRecord> {
  /** One bulk add. Only the records in the answer are facts: it may hold fewer than asked. */
  add(userIds: string[]): Promise<T[]>;
  /** One bulk remove; the count of members the service says it removed. */
  remove(userIds: string[]): Promise<number>;
  /** Every current record, every page. */
  list(): Promise<T[]>;
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

/** What applying a plan did. */
export interface ApplyOutcome {
  /** Users confirmed added, and removed. */
  added: number;
  removed: number;
  /** One line per failure, for the error; empty when everything went through. */
  failures: string[];
  /** Users whose change was sent but neither confirmed nor refuted (also marked so in the ledger). */
  unconfirmed: string[];
}

/** A change sent whose fate is unknown: its answer was lost, or a remove counted fewer than asked. */
interface Unsettled {
  userId: string;
  change: "add" | "remove";
  /** A remove whose answer came, counting fewer than asked. */
  short: boolean;
}

/** What one batch did, beyond what it recorded in the ledger. */
interface BatchOutcome {
  added: number;
  removed: number;
  /** Asked to be added; the answer returned no record for them. */
  leftOut: string[];
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
    failures: run.errors.map(errorMessage),
    unconfirmed: [],
  };
  const unsettled = [...lost, ...done.flatMap((batch) => batch.unsettled)];
  if (unsettled.length > 0) await settle(routes, unsettled, ledger, outcome);

  const leftOut = done.flatMap((batch) => batch.leftOut);
  if (leftOut.length > 0) {
    outcome.failures.push(`the service did not add ${formatIds(leftOut)} (no membership returned; are they members of the organization?)`);
  }
  const refused = done.flatMap((batch) => batch.refused);
  if (refused.length > 0) {
    const reasons = [...new Set(refused.map((refusal) => refusal.reason))].join(" ");
    outcome.failures.push(`the service refused to remove ${formatIds(refused.map((refusal) => refusal.userId).sort())}: ${reasons}`);
  }
  if (run.skipped > 0) outcome.failures.push(`${run.skipped} batch(es) not sent after the failure`);
  return outcome;
}

async function addBatch<T extends MemberRecord>(routes: MemberRoutes<T>, userIds: string[], ledger: MembershipLedger<T>): Promise<BatchOutcome> {
  const asked = new Set(userIds);
  // Never record a user the service did not return a record for.
  const confirmed = (await routes.add(userIds)).filter((record) => asked.has(record.userId));
  ledger.confirmAdded(confirmed);
  const returned = new Set(confirmed.map((record) => record.userId));
  return { added: confirmed.length, removed: 0, leftOut: userIds.filter((u) => !returned.has(u)), refused: [], unsettled: [] };
}

async function removeBatch<T extends MemberRecord>(
  routes: MemberRoutes<T>,
  userIds: string[],
  ledger: MembershipLedger<T>,
  options: ApplyOptions,
): Promise<BatchOutcome> {
  const { removedCount, sent, refused } = await removeRefusingSome(routes, userIds, options.goneIsDone ?? false);
  const result: BatchOutcome = { added: 0, removed: 0, leftOut: [], refused, unsettled: [] };
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
 * the users are recorded as unconfirmed, and the error says so.
 */
async function settle<T extends MemberRecord>(
  routes: MemberRoutes<T>,
  unsettled: Unsettled[],
  ledger: MembershipLedger<T>,
  outcome: ApplyOutcome,
): Promise<void> {
  let listed: Map<string, T>;
  try {
    listed = new Map((await routes.list()).map((record) => [record.userId, record]));
  } catch (error) {
    outcome.unconfirmed = unsettled.map((u) => u.userId);
    ledger.markUnconfirmed(outcome.unconfirmed);
    outcome.failures.push(
      `could not confirm what happened to ${formatIds(outcome.unconfirmed)}: ${errorMessage(error)}; ` +
        "they are recorded in unconfirmedUserIds, and the next update, refresh or destroy settles them",
    );
    return;
  }
  const notRemoved: string[] = [];
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
    }
  }
  if (notRemoved.length > 0) outcome.failures.push(`the service did not remove ${formatIds(notRemoved)} and gave no reason`);
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
