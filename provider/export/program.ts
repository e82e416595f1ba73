/**
 * An export as a Pulumi TypeScript program that declares the resources directly: a
 * `WorkspaceMembers` per workspace and a `WorkspaceBudgets` per workspace with budgets, each
 * adopted with `retainOnDelete` (see adoption.ts for what is declared and why). Pure: data
 * in, text out. Strings are JSON-quoted (JSON strings are TypeScript strings).
 */
import { BUDGET_INTERVALS } from "../api/types";
import { quote } from "../core/messages";
import type { ExportedEntry, ExportedOrganization } from "./adoption";
import { ADOPTION_NOTE, budgetsNote, describeSource, leftOutNote, settingsNote, stringLiteral } from "./notes";

/** The program that adopts `exported`, for a stack's `index.ts`. */
export function formatProgram(exported: ExportedOrganization): string {
  const lines = [
    ...comments([...describeSource(exported), "", ...ADOPTION_NOTE]),
    'import * as openrouter from "pulumi-openrouter";',
    "",
    "const adopted = { retainOnDelete: true };",
  ];
  for (const entry of exported.entries) lines.push("", ...formatEntry(entry));
  return `${lines.join("\n")}\n`;
}

function formatEntry(entry: ExportedEntry): string[] {
  const workspaceId = stringLiteral(entry.needsWorkspaceId ? entry.workspaceUuid : entry.key);
  const name = stringLiteral(entry.key);
  const lines = comments([quote(entry.name), ...settingsNote(entry.settings), ...leftOutNote(entry.leftOut)]);
  const people: string[] = [];
  if (entry.emails.length > 0) people.push(...list("emails", entry.emails));
  if (entry.userIds.length > 0 || entry.emails.length === 0) people.push(...list("userIds", entry.userIds));
  lines.push(`new openrouter.WorkspaceMembers(${name}, {`, `  workspaceId: ${workspaceId},`, ...people, "}, adopted);");
  const { budgets } = entry;
  if (budgets !== undefined) {
    lines.push(`new openrouter.WorkspaceBudgets(${name}, {`, `  workspaceId: ${workspaceId},`);
    for (const interval of BUDGET_INTERVALS) {
      if (budgets[interval] !== undefined) lines.push(`  ${interval}: ${String(budgets[interval])},`);
    }
    if (budgets.includeByokInBudgets) lines.push("  includeByokInBudgets: true,");
    lines.push("}, adopted);");
  }
  lines.push(...comments(budgetsNote(entry.budgetsLeftOut)));
  return lines;
}

/** `  emails: [` … `],`, one string a line (`[]` when empty). */
function list(property: string, values: readonly string[]): string[] {
  if (values.length === 0) return [`  ${property}: [],`];
  return [`  ${property}: [`, ...values.map((value) => `    ${stringLiteral(value)},`), "  ],"];
}

/** Lines as TypeScript line comments (an empty line as a bare `//`). */
function comments(lines: readonly string[]): string[] {
  return lines.map((line) => (line === "" ? "//" : `// ${line}`));
}
