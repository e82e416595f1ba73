/**
 * What an export says in words, whichever format it is written in: where it came from (the
 * header), what it adopts and how destroy treats it, the notes beside an entry, and the
 * counts the command's summary gives. Lines without comment marks: each writer adds its own.
 * Service text (names, ids, roles) goes through `quote`, so that no name can end a comment
 * line. Pure.
 */
import { quote } from "../core/messages";
import type { ExportedOrganization, LeftOutMember, WorkspaceSettings } from "./adoption";

/** Counts of what an export declares and leaves out. */
export interface ExportCounts {
  workspaces: number;
  /** Memberships declared, by email and by user id. */
  byEmail: number;
  byId: number;
  /** Members not declared (see `LeftOutMember`). */
  leftOut: number;
  /** Entries with a `budgets:` block. */
  budgets: number;
}

/** What `exported` declares, counted. */
export function countExport(exported: ExportedOrganization): ExportCounts {
  const counts: ExportCounts = { workspaces: exported.entries.length, byEmail: 0, byId: 0, leftOut: 0, budgets: 0 };
  for (const entry of exported.entries) {
    counts.byEmail += entry.emails.length;
    counts.byId += entry.userIds.length;
    counts.leftOut += entry.leftOut.length;
    if (entry.budgets !== undefined) counts.budgets++;
  }
  return counts;
}

/**
 * The header's lines, without comment marks: when, from which organization (the API has no
 * organization route; its default workspace's UUID names it), and what it holds.
 */
export function describeSource(exported: ExportedOrganization): string[] {
  const counts = countExport(exported);
  const organization =
    exported.defaultWorkspaceId === undefined
      ? `the organization at ${exported.baseUrl} (it has no default workspace)`
      : `the organization whose default workspace is ${quote(exported.defaultWorkspaceId)}, at ${exported.baseUrl}`;
  const lines = [
    `Exported by \`pulumi-openrouter export\` on ${exported.exportedAt}`,
    `from ${organization}:`,
    `${plural(counts.workspaces, "workspace")} and ${plural(counts.byEmail + counts.byId, "membership")} ` +
      `(${counts.byEmail} by email, ${counts.byId} by user id) of an organization of ${plural(exported.people, "person", "people")}.`,
  ];
  if (counts.leftOut > 0) lines.push(`${plural(counts.leftOut, "member")} not declared: see the notes on their workspaces.`);
  return lines;
}

/** What adoption means, after the header. */
export const ADOPTION_NOTE = [
  "Adoption: every person and budget declared here is there already, so the first `pulumi up`",
  "changes nobody's membership and no budget. Each is adopted with `retainOnDelete`: deleting it",
  "here, or `pulumi destroy`, leaves it in the organization and only forgets it; drop that",
  "option where the stack should remove the members and budgets instead. The default workspace",
  "is left out: everyone in the organization is in it.",
];

/** The settings made in the dashboard, noted: the export never manages a workspace itself. */
export function settingsNote(settings: WorkspaceSettings): string[] {
  const changed = Object.entries(settings);
  if (changed.length === 0) return [];
  return [
    "Settings unlike a new workspace's, left to the dashboard (declaring the workspace would create it, and it exists):",
    ...changed.map(([key, value]) => `  ${key}: ${shown(value)}`),
  ];
}

/** The members not declared, each with why. */
export function leftOutNote(leftOut: readonly LeftOutMember[]): string[] {
  if (leftOut.length === 0) return [];
  return [
    "Members not declared, since adopting them would change their membership:",
    ...leftOut.map((member) => `  ${quote(member.userId)}: ${whyLeftOut(member)}`),
  ];
}

/** Why a workspace's budgets are not declared. */
export function budgetsNote(why: string | undefined): string[] {
  return why === undefined ? [] : [`Budgets not declared: ${why}.`];
}

/** A setting's value as a note shows it: strings quoted, lists item by item. */
function shown(value: unknown): string {
  if (typeof value === "string") return quote(value);
  if (Array.isArray(value)) return `[${value.map(shown).join(", ")}]`;
  return String(value);
}

/**
 * A string as a JSON literal (valid YAML and TypeScript too) that every reader takes as one
 * line: JSON leaves U+2028 and U+2029 as they are, and a JavaScript comment or an older YAML
 * reader would end a line there.
 */
export function stringLiteral(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function whyLeftOut(member: LeftOutMember): string {
  switch (member.reason) {
    case "not-in-organization":
      return "not a member of the organization (the service refuses to add them)";
    case "role":
      return `${quote(member.role)} here, ${quote(member.organizationRole)} in the organization (an add gives the organization's role)`;
    case "unwritable":
      return "a user id a members file cannot hold, and no email to name them by";
  }
}

/** `1 workspace`, `2 workspaces`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}
