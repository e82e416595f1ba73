/**
 * A members file entry's `guardrails:` block: for each guardrail of the entry's workspace,
 * the people assigned to it directly, each declared as a `GuardrailMembers` that manages only
 * them (never unassigning anyone else).
 *
 * ```yaml
 * workspaces:
 *   platform:
 *     users: [user_alice, carol@example.com]
 *     guardrails:
 *       16af95b7-4e8b-4f0a-aaf7-1fd84422e164: [user_alice, carol@example.com]
 * ```
 *
 * Only a workspace's members can be assigned, so every person under a guardrail must be in
 * the entry's `users:` list, written the same way (an email's case aside): the stack then
 * makes them members before it assigns them, and the organization check of `users:` covers
 * them. The service keeps one direct guardrail per member and workspace, so one person under
 * two guardrails of one entry would have two resources moving them back and forth: refused,
 * as is one guardrail under two entries.
 */
import { guardrailIdProblem } from "../core/ids";
import { describe, quote } from "../core/messages";
import { personKey, validatePeople, type PeopleList } from "./people";
import type { Locate, Report, Segments, WorkspaceMembersEntry } from "./validate";

/** One guardrail of a `guardrails:` block. */
export interface GuardrailBlock {
  /** The guardrail's UUID, as written. */
  guardrailId: string;
  /** The people assigned to it named by user id, in the file's order. */
  userIds: string[];
  /** The people assigned to it named by email, as written, in the file's order. */
  emails: string[];
  /** Where its key is, e.g. `workspaces.platform.guardrails.16af95b7-...`, and the line when known. */
  path: string;
  line?: number;
}

/** A `guardrails:` block: its guardrails in the file's order. */
export type GuardrailsBlock = GuardrailBlock[];

/**
 * Checks a `guardrails:` block against the entry's `users:` (already checked). Returns the
 * block, or `undefined` when a problem was reported.
 */
export function validateGuardrailsBlock(raw: unknown, users: PeopleList, at: Segments, report: Report, locate: Locate): GuardrailsBlock | undefined {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    report(at, `must be a mapping of guardrail UUID to the users assigned to it (user ids or emails of "users:"), got ${describe(raw)}`);
    return undefined;
  }
  let reported = 0;
  const counted: Report = (segments, message) => {
    reported++;
    report(segments, message);
  };
  const members = new Set(users.people.map((person) => personKey(person.value)));
  /** Each person assigned so far, by {@link personKey}: the guardrail and the place that named them. */
  const assigned = new Map<string, { guardrailId: string; index: number }>();
  const block: GuardrailsBlock = [];
  for (const [guardrailId, list] of Object.entries(raw)) {
    const listAt = [...at, guardrailId];
    const idProblem = guardrailIdProblem(guardrailId);
    if (idProblem) {
      counted(listAt, idProblem);
      continue;
    }
    const people = validatePeople(list, listAt, "guardrail", counted, locate);
    for (const person of people.people) {
      const key = personKey(person.value);
      const itemAt = [...listAt, person.index];
      if (!members.has(key)) {
        counted(itemAt, `${quote(person.value)} is not in the entry's "users:" list; only the workspace's members can be assigned to its guardrails, so list them there too`);
        continue;
      }
      const earlier = assigned.get(key);
      if (earlier !== undefined) {
        counted(
          itemAt,
          `${quote(person.value)} is also under guardrail ${earlier.guardrailId} (at ${earlier.guardrailId}[${earlier.index}]); ` +
            "a member has one guardrail per workspace: list them under one",
        );
        continue;
      }
      assigned.set(key, { guardrailId, index: person.index });
    }
    block.push({ guardrailId, userIds: people.userIds, emails: people.emails, ...locate(listAt) });
  }
  return reported > 0 ? undefined : block;
}

/** Reports each guardrail that a second entry (or a second key of one entry, in another case) declares again. */
export function checkGuardrailsAcrossEntries(entries: readonly WorkspaceMembersEntry[], report: Report): void {
  const first = new Map<string, GuardrailBlock>();
  for (const entry of entries) {
    for (const guardrail of entry.guardrails ?? []) {
      const id = guardrail.guardrailId.toLowerCase();
      const earlier = first.get(id);
      if (earlier === undefined) {
        first.set(id, guardrail);
        continue;
      }
      const where = earlier.line === undefined ? earlier.path : `line ${earlier.line} (${earlier.path})`;
      report(["workspaces", entry.key, "guardrails", guardrail.guardrailId], `guardrail ${quote(guardrail.guardrailId)} is already declared at ${where}; declare each guardrail once`);
    }
  }
}
