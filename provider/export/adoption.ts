/**
 * What a file adopting the organization declares, from what read.ts listed: pure, so that
 * every rule below is tested without a service.
 *
 * Adoption means the first `pulumi up` of the file changes nobody's membership and no
 * budget: it only records what is there. Hence:
 * - each workspace is an entry keyed by its slug, its members in `users:` (by email where
 *   the directory gives someone one email no one else has, by user id otherwise), in
 *   additive mode, and its budgets in `budgets:` as they are (the BYOK flag only when on);
 * - no `workspace:` block: that block makes the stack create the workspace (a create of a
 *   slug that exists is refused) and own it (deleting the entry would delete it). An
 *   existing workspace stays the dashboard's; its settings that differ from a new
 *   workspace's are only noted beside the entry;
 * - a member whom `WorkspaceMembers` cannot adopt unchanged is left out, with the reason:
 *   one the organization does not have (the service refuses to add them) and one whose
 *   role in the workspace is not their organization role (an add gives the organization's
 *   role, so adopting them would change it);
 * - budgets that already break the service's ordering rule (set by hand) are left out too:
 *   the resource's check refuses such limits;
 * - every entry is `retainOnDelete`: deleting it, or `pulumi destroy`, leaves what was
 *   adopted in the organization.
 */
import { BUDGET_INTERVALS, type BudgetInterval, type OrganizationMember, type Workspace, type WorkspaceFields } from "../api/types";
import { emailProblem, normalizeEmail, userIdProblem, workspaceIdProblem } from "../core/ids";
import { quote } from "../core/messages";
import { describeConflict, orderConflicts, type BudgetLimits } from "../budgets/plan";
import { intervalOf } from "../budgets/state";
import type { OrganizationListing, WorkspaceListing } from "./read";

/** The settings of a workspace the file notes when they differ from a new workspace's. */
export type WorkspaceSettings = Omit<WorkspaceFields, "name" | "slug">;

/** What the service gives a new workspace (the emulator models it), for each setting. */
export const NEW_WORKSPACE_SETTINGS: Required<WorkspaceSettings> = {
  description: null,
  defaultTextModel: null,
  defaultImageModel: null,
  defaultProviderSort: null,
  ioLoggingSamplingRate: 1,
  ioLoggingApiKeyIds: null,
  isDataDiscountLoggingEnabled: false,
  isObservabilityBroadcastEnabled: false,
  isObservabilityIoLoggingEnabled: false,
  disabledServerTools: null,
};

/** A workspace's budgets as an entry's `budgets:` block declares them. */
export type ExportedBudgets = Partial<Record<BudgetInterval, number>> & { includeByokInBudgets?: true };

/** A member the file does not name, and why. */
export type LeftOutMember =
  | { userId: string; reason: "not-in-organization" }
  | { userId: string; reason: "role"; role: string; organizationRole: string }
  | { userId: string; reason: "unwritable" };

/** One entry of the file: one workspace. */
export interface ExportedEntry {
  /** The entry's key: the workspace's slug. */
  key: string;
  /** The workspace's UUID; written as `workspaceId:` only when the slug cannot name the workspace in a file. */
  workspaceUuid: string;
  /** Whether the entry needs `workspaceId:` (the slug breaks the file's slug rule). */
  needsWorkspaceId: boolean;
  /** The workspace's display name, for a comment. */
  name: string;
  /** Emails, sorted. */
  emails: string[];
  /** User ids, sorted. */
  userIds: string[];
  budgets?: ExportedBudgets;
  /** Why the workspace's budgets are not in the file, when it has some that are not. */
  budgetsLeftOut?: string;
  /** Settings that differ from a new workspace's: noted, never managed. */
  settings: WorkspaceSettings;
  leftOut: LeftOutMember[];
}

/** Everything the writers need: the entries, sorted by key, and where they came from. */
export interface ExportedOrganization {
  /** ISO 8601. */
  exportedAt: string;
  /** The API root read (never carries credentials: the settings refuse them). */
  baseUrl: string;
  /** The organization as the API can name it: its default workspace's UUID, when it has one. */
  defaultWorkspaceId?: string;
  /** How many people the organization has. */
  people: number;
  entries: ExportedEntry[];
}

/** How people are named, and the export's facts. */
export interface AdoptionOptions {
  /** Name everyone by user id, even those the directory gives an email. */
  byUserIds: boolean;
  exportedAt: Date;
  baseUrl: string;
}

/** The file that adopts what `listing` holds. */
export function toExportedOrganization(listing: OrganizationListing, options: AdoptionOptions): ExportedOrganization {
  const names = new PeopleNames(listing.directory, options.byUserIds);
  const entries = listing.workspaces.map((workspace) => toEntry(workspace, names)).sort((a, b) => compare(a.key, b.key));
  return {
    exportedAt: options.exportedAt.toISOString(),
    baseUrl: options.baseUrl,
    ...(listing.defaultWorkspace === undefined ? {} : { defaultWorkspaceId: listing.defaultWorkspace.id }),
    people: listing.directory.length,
    entries,
  };
}

function toEntry({ workspace, members, budgets }: WorkspaceListing, names: PeopleNames): ExportedEntry {
  const emails: string[] = [];
  const userIds: string[] = [];
  const leftOut: LeftOutMember[] = [];
  for (const member of members) {
    const person = names.person(member.userId);
    if (person === undefined) {
      leftOut.push({ userId: member.userId, reason: "not-in-organization" });
      continue;
    }
    const organizationRole = person.role.replace(/^org:/, "");
    if (organizationRole !== member.role) {
      leftOut.push({ userId: member.userId, reason: "role", role: member.role, organizationRole });
      continue;
    }
    const email = names.emailOf(person);
    if (email !== undefined) emails.push(email);
    else if (userIdProblem(member.userId) === undefined) userIds.push(member.userId);
    else leftOut.push({ userId: member.userId, reason: "unwritable" });
  }
  const exportedBudgets = toBudgets(budgets.budgets, budgets.includeByokInBudgets === true);
  return {
    key: workspace.slug,
    workspaceUuid: workspace.id,
    needsWorkspaceId: workspaceIdProblem(workspace.slug) !== undefined,
    name: workspace.name,
    emails: emails.sort(compare),
    userIds: userIds.sort(compare),
    ...exportedBudgets,
    settings: changedSettings(workspace),
    leftOut: leftOut.sort((a, b) => compare(a.userId, b.userId)),
  };
}

/** The budgets block, or why there is none for budgets that exist. */
function toBudgets(
  budgets: readonly { limitUsd: number; resetInterval: string | null }[],
  includeByok: boolean,
): { budgets?: ExportedBudgets; budgetsLeftOut?: string } {
  const limits: BudgetLimits = {};
  for (const budget of budgets) {
    const interval = intervalOf(budget);
    if (interval === undefined) return { budgetsLeftOut: `the service holds a budget for an interval this package does not know (${quote(String(budget.resetInterval))})` };
    limits[interval] = budget.limitUsd;
  }
  if (Object.keys(limits).length === 0) return {};
  const conflicts = orderConflicts(limits);
  if (conflicts.length > 0) {
    return { budgetsLeftOut: `they break the service's rule (lifetime > monthly > weekly > daily): ${conflicts.map(describeConflict).join("; ")}` };
  }
  const block: ExportedBudgets = {};
  for (const interval of BUDGET_INTERVALS) if (limits[interval] !== undefined) block[interval] = limits[interval];
  return { budgets: includeByok ? { ...block, includeByokInBudgets: true } : block };
}

/** The workspace's settings that differ from a new workspace's; lists compare as sets. */
function changedSettings(workspace: Workspace): WorkspaceSettings {
  const changed: Record<string, unknown> = {};
  for (const [key, initial] of Object.entries(NEW_WORKSPACE_SETTINGS)) {
    const value = workspace[key as keyof WorkspaceSettings] ?? null;
    if (!sameSetting(value, initial)) changed[key] = value;
  }
  return changed as WorkspaceSettings;
}

function sameSetting(value: unknown, initial: unknown): boolean {
  if (Array.isArray(value) && Array.isArray(initial)) {
    return value.length === initial.length && [...value].sort().join("\n") === [...initial].sort().join("\n");
  }
  return value === initial;
}

/**
 * How the file names each person: by email when the directory gives them one that is
 * usable in a file and that no one else has (letter case aside), so that the email names
 * them and only them; otherwise by user id.
 */
class PeopleNames {
  readonly #people = new Map<string, OrganizationMember>();
  readonly #holders = new Map<string, number>();

  constructor(
    directory: readonly OrganizationMember[],
    private readonly byUserIds: boolean,
  ) {
    for (const person of directory) {
      this.#people.set(person.userId, person);
      const email = normalizeEmail(person.email);
      this.#holders.set(email, (this.#holders.get(email) ?? 0) + 1);
    }
  }

  person(userId: string): OrganizationMember | undefined {
    return this.#people.get(userId);
  }

  emailOf(person: OrganizationMember): string | undefined {
    if (this.byUserIds || emailProblem(person.email) !== undefined) return undefined;
    return this.#holders.get(normalizeEmail(person.email)) === 1 ? person.email : undefined;
  }
}

/** Code-unit order, the order the service pages members in: the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
