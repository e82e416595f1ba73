/**
 * One create, update or delete of a set-membership resource, whatever the set: the people
 * the inputs name, the `maxRemovals` guard, carrying out a plan through the set's routes and
 * the error when it does not finish, worded for the set (`MembershipSubject`). Each
 * resource's lifecycle is glue around these: its target, its routes, its outputs.
 */
import type { OpenRouterClient } from "../api/client";
import type { Settings } from "../api/settings";
import { ChangeFailedError, OpenRouterNotFoundError, PartialFailureError, RemovalLimitError, UnknownEmailError } from "../core/errors";
import { IDS_SHOWN, formatIds, notInOrganization } from "../core/messages";
import { PeopleDirectory, resolvePeople } from "../core/people";
import type { IdSet } from "../core/sets";
import { applyChanges, type ApplyFailure, type ApplyOutcome, type MemberRoutes } from "./apply";
import { MembershipLedger, type MemberRecord } from "./ledger";
import { NO_NAMES, resolvedNames, type Names } from "./names";
import { checkRemovalLimit, planDelete, planUpdate, type MemberPlan } from "./plan";
import { managedIn, type Desired, type RecordedMembers } from "./state";

export type Operation = "create" | "update" | "delete";

/** How a set's errors speak of it. */
export interface MembershipSubject {
  /** What an operation changes, after its verb: `the members of workspace "x"`. */
  readonly members: string;
  /** What the set belongs to, in advice: `workspace`, `guardrail`. */
  readonly noun: string;
  /** Why the service refuses to add outsiders (`routes.outsiders`), after their ids: `... is not a member of X`. */
  readonly outsidersOf: string;
  /** What to do about outsiders. */
  readonly outsiderAdvice: string;
  /** What to change after a refusal of one of these statuses that names no user. */
  readonly refusalAdvice: Readonly<Partial<Record<403 | 404, string>>>;
}

/**
 * The organization's directory, listed on first use (every page, `settings.concurrency`
 * pages at a time) and kept for the rest of the operation, so that the emails and the
 * outsiders of a refused add cost one listing between them.
 */
export function organizationDirectory(client: OpenRouterClient, settings: Settings): () => Promise<PeopleDirectory> {
  let listing: Promise<PeopleDirectory> | undefined;
  return () =>
    (listing ??= client.listOrganizationMembers({ concurrency: settings.concurrency }).then((members) => new PeopleDirectory(members)));
}

/**
 * The users the inputs name, by id and by email. Emails cost one listing of the
 * organization's directory, made only when there are some; an email that names no member
 * fails here, before any change, naming it and the nearest email the directory has.
 */
export async function resolveWanted(
  directory: () => Promise<PeopleDirectory>,
  operation: Operation,
  subject: MembershipSubject,
  desired: Desired,
): Promise<{ wanted: IdSet; names: Names }> {
  if (desired.emails.ids.length === 0) return { wanted: desired.userIds, names: NO_NAMES };
  const resolved = resolvePeople({ userIds: desired.userIds, emails: desired.emails.ids }, await directory());
  if (resolved.unknown.length > 0) {
    const shown = resolved.unknown.slice(0, IDS_SHOWN).map((unknown) => notInOrganization(unknown.email, unknown.closest));
    const more = resolved.unknown.length > IDS_SHOWN ? `; and ${resolved.unknown.length - IDS_SHOWN} more emails like these` : "";
    throw new UnknownEmailError(
      `${describeOperation(operation, subject)}: emails ${shown.join("; ")}${more}. Nothing was changed.`,
      resolved.unknown,
    );
  }
  return { wanted: resolved.userIds, names: resolvedNames(desired.userIds, resolved) };
}

/** What {@link applyPlan} needs of the resource beside the plan. */
export interface PlanContext<T extends MemberRecord, S> {
  routes: MemberRoutes<T>;
  settings: Settings;
  operation: Operation;
  subject: MembershipSubject;
  desired: Desired;
  /** The resource id a partial failure's state is stored under. */
  id: string;
  /** The outputs from the record of members. */
  toState: (ledger: MembershipLedger<T>) => S;
}

/**
 * Carries out a plan and returns the outputs. Only what the service confirms changes the
 * record: it starts from the users kept and those still to be removed (members until a
 * removal is confirmed). On failure part-way, throws a `PartialFailureError` whose
 * properties are exactly that record.
 */
async function applyPlan<T extends MemberRecord, S extends object>(context: PlanContext<T, S>, plan: MemberPlan, known: T[]): Promise<S> {
  const { operation, subject, desired } = context;
  guardRemovals(operation, subject, desired, plan.remove);
  // Every known member is kept, to be removed, or spared (protected and no longer wanted:
  // it leaves management). The record starts from all but the spared, who are few.
  const spared = new Set(plan.spared);
  const ledger = new MembershipLedger(spared.size === 0 ? known : known.filter((m) => !spared.has(m.userId)));
  const outcome = await applyChanges(context.routes, plan, ledger, context.settings);
  const outs = context.toState(ledger);
  if (outcome.failures.length === 0 && outcome.outsiders.length === 0) return outs;

  const counts = `Added ${outcome.added} of ${plan.add.length} and removed ${outcome.removed} of ${plan.remove.length} users`;
  const message = failureMessage(operation, subject, outcome, `${counts}; the state records exactly what went through.`);
  const reasons = failureReasons(subject, outcome);
  const changedAnything = outcome.added > 0 || outcome.removed > 0 || outcome.unconfirmed.length > 0;
  if (operation === "create" && !changedAnything) throw new ChangeFailedError(message, reasons, [], isRetryable(outcome));
  const properties = { ...outs, __provider: desired.provider };
  throw new PartialFailureError(message, context.id, properties, outcome.unconfirmed, isRetryable(outcome));
}

/**
 * The heart of a create (no `recorded`) and an update: plans from the old record and, when
 * one was made, a listing (exclusive mode needs it; so do users whose last change is
 * unconfirmed), and carries the plan out. A user named by an email the program dropped is
 * in the old userIds like any other, so the plan removes the user that email named,
 * whatever the directory says of them now.
 */
export function converge<T extends MemberRecord, S extends object>(
  context: PlanContext<T, S>,
  wanted: IdSet,
  listing: T[] | undefined,
  recorded?: RecordedMembers<T>,
): Promise<S> {
  const { desired } = context;
  const oldManaged = recorded === undefined ? [] : recorded.unconfirmed.length === 0 ? recorded.userIds : [...recorded.userIds, ...recorded.unconfirmed];
  const plan = planUpdate({
    oldManaged,
    wanted,
    exclusive: desired.exclusive,
    protectedIds: desired.protectedUserIds,
    currentMembers: listing?.map((m) => m.userId),
  });
  const known = listing === undefined ? (recorded?.records ?? []) : managedIn(listing, desired, wanted, oldManaged);
  return applyPlan(context, plan, known);
}

/**
 * A delete: removes the managed users, unconfirmed ones included, except protected ones.
 * Unconfirmed users are settled by one listing first, so that the removal count the guard
 * sees is exact; the set gone (404) or users already gone count as done. `connectRoutes` is
 * called only when a request is needed.
 */
export async function removeManaged<T extends MemberRecord>(
  connectRoutes: () => { routes: MemberRoutes<T>; settings: Settings },
  subject: MembershipSubject,
  desired: Desired,
  recorded: RecordedMembers<T>,
): Promise<void> {
  let listing: T[] | undefined;
  if (recorded.unconfirmed.length > 0) {
    try {
      listing = await connectRoutes().routes.list();
    } catch (error) {
      if (error instanceof OpenRouterNotFoundError) return;
      throw error;
    }
  }
  const plan = planDelete({
    managed: [...recorded.userIds, ...recorded.unconfirmed],
    protectedIds: desired.protectedUserIds,
    currentMembers: listing?.map((m) => m.userId),
  });
  guardRemovals("delete", subject, desired, plan.remove);
  if (plan.remove.length === 0) return;

  // Only the users still to be removed are recorded, and only to name them if some stay.
  const ledger = new MembershipLedger<MemberRecord>(plan.remove.map((userId) => ({ userId })));
  const { routes, settings } = connectRoutes();
  const outcome = await applyChanges(routes, plan, ledger, { ...settings, goneIsDone: true });
  if (outcome.failures.length > 0 || outcome.outsiders.length > 0) {
    const done = `Removed ${outcome.removed} of ${plan.remove.length} users; still members: ${formatIds(ledger.snapshot().userIds)}.`;
    const message = failureMessage("delete", subject, outcome, done);
    throw new ChangeFailedError(message, failureReasons(subject, outcome), outcome.unconfirmed, isRetryable(outcome));
  }
}

/** The `maxRemovals` guard, before any request that changes anything. */
function guardRemovals(operation: Operation, subject: MembershipSubject, desired: Desired, remove: readonly string[]): void {
  if (desired.maxRemovals === undefined) return;
  const reason = checkRemovalLimit(remove, desired.maxRemovals);
  if (reason === undefined) return;
  throw new RemovalLimitError(`${describeOperation(operation, subject)}: ${reason}`, remove.length, desired.maxRemovals, [...remove]);
}

function describeOperation(operation: Operation, subject: MembershipSubject): string {
  const verb = { create: "Creating", update: "Updating", delete: "Deleting" }[operation];
  return `${verb} ${subject.members}`;
}

/**
 * The message of an operation that did not finish: what failed, what went through (`done`),
 * and what to do. A rerun is promised only when every failure is one a rerun can mend; a
 * refusal says what to change instead, since running again would fail the same way.
 */
function failureMessage(operation: Operation, subject: MembershipSubject, outcome: ApplyOutcome, done: string): string {
  const rerun = operation === "delete" ? "pulumi destroy" : "pulumi up";
  const head = `${describeOperation(operation, subject)} did not finish: ${failureReasons(subject, outcome).join("; ")}. ${done}`;
  if (isRetryable(outcome)) {
    return `${head} Running ${rerun} again finishes the rest${operation === "delete" ? "; users already gone count as done" : ""}.`;
  }
  const advice = new Set<string>();
  if (outcome.outsiders.length > 0) advice.add(subject.outsiderAdvice);
  for (const failure of outcome.failures) if (!failure.retryable) advice.add(adviceFor(failure, operation, subject));
  return `${head} ${[...advice].join(" ")} Until then, ${rerun} fails the same way.`;
}

/** One line per failure, outsiders first (the error's `reasons`). */
function failureReasons(subject: MembershipSubject, outcome: ApplyOutcome): string[] {
  const { outsiders } = outcome;
  const refused =
    outsiders.length === 0
      ? []
      : [`${formatIds(outsiders)} ${outsiders.length === 1 ? "is not a member" : "are not members"} of ${subject.outsidersOf}, so the service refuses to add them`];
  return [...refused, ...outcome.failures.map((failure) => failure.reason)];
}

/** Whether a rerun alone can finish what the outcome left undone. */
function isRetryable(outcome: ApplyOutcome): boolean {
  return outcome.outsiders.length === 0 && outcome.failures.every((failure) => failure.retryable);
}

/** What to change after a refusal; the service's own words are in its reason. */
function adviceFor(failure: ApplyFailure, operation: Operation, subject: MembershipSubject): string {
  if (failure.userIds !== undefined) {
    return operation === "delete"
      ? `Do what the service asks for the users it names; to leave them in the ${subject.noun} instead, add them to protectedUserIds and run pulumi up first.`
      : "Do what the service asks for the users it names, or keep them in userIds.";
  }
  if (failure.status === 401) return "Set a management key the service accepts.";
  const advice = failure.status === 403 || failure.status === 404 ? subject.refusalAdvice[failure.status] : undefined;
  return advice ?? "Change what the service refused, as its words above say.";
}
