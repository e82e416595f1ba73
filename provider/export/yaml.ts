/**
 * An export as a members file: YAML text the GitOps program accepts as it is
 * (`loadMembersFile`, `checkMembersAgainstOrganization`, `declareWorkspaces`). Pure: data in,
 * text out, the same text for the same data.
 *
 * Written by hand rather than by a YAML library so that the file reads like one a person
 * wrote: a header, a comment per entry, keys in a fixed order. A scalar is plain only when no
 * YAML reader can take it for anything but that string, and JSON-quoted otherwise (JSON
 * strings are YAML).
 */
import { BUDGET_INTERVALS } from "../api/types";
import { quote } from "../core/messages";
import type { ExportedEntry, ExportedOrganization } from "./adoption";
import { ADOPTION_NOTE, budgetsNote, describeSource, leftOutNote, settingsNote, stringLiteral } from "./notes";

/** The members file that adopts `exported`. */
export function formatMembersFile(exported: ExportedOrganization): string {
  const lines = [
    ...comments([...describeSource(exported), "", ...ADOPTION_NOTE], ""),
    exported.entries.length === 0 ? "workspaces: {}" : "workspaces:",
  ];
  for (const entry of exported.entries) lines.push(...formatEntry(entry));
  return `${lines.join("\n")}\n`;
}

function formatEntry(entry: ExportedEntry): string[] {
  const indent = "    ";
  const lines = [`  ${scalar(entry.key)}:${entry.name === entry.key ? "" : `  # ${quote(entry.name)}`}`];
  if (entry.needsWorkspaceId) lines.push(`${indent}workspaceId: ${scalar(entry.workspaceUuid)}`);
  lines.push(...comments([...settingsNote(entry.settings), ...leftOutNote(entry.leftOut)], indent));
  lines.push(`${indent}retainOnDelete: true`);
  const users = [...entry.emails, ...entry.userIds];
  if (users.length === 0) lines.push(`${indent}users: []`);
  else lines.push(`${indent}users:`, ...users.map((user) => `${indent}  - ${scalar(user)}`));
  const { budgets } = entry;
  if (budgets !== undefined) {
    lines.push(`${indent}budgets:`);
    for (const interval of BUDGET_INTERVALS) {
      if (budgets[interval] !== undefined) lines.push(`${indent}  ${interval}: ${String(budgets[interval])}`);
    }
    if (budgets.includeByokInBudgets) lines.push(`${indent}  includeByokInBudgets: true`);
  }
  lines.push(...comments(budgetsNote(entry.budgetsLeftOut), indent));
  return lines;
}

/** Lines as YAML comments at `indent` (an empty line as a bare `#`). */
function comments(lines: readonly string[], indent: string): string[] {
  return lines.map((line) => (line === "" ? `${indent}#` : `${indent}# ${line}`));
}

/** Plain when no YAML reader can read it as anything but this string; JSON-quoted otherwise. */
export function scalar(value: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_.@+-]*$/.test(value) && !/^(?:true|false|null|yes|no|on|off|y|n)$/i.test(value);
  return plain ? value : stringLiteral(value);
}
