/**
 * A list of people in a members file: an entry's `users:` and `protected:`, and the list of
 * each guardrail of its `guardrails:` block (guardrails.ts), all read by one set of rules.
 */
import { emailProblem, normalizeEmail, userIdProblem } from "../core/ids";
import { describe, quote } from "../core/messages";
import type { Locate, NamedPerson, Report, Segments } from "./validate";

/** The people of one list, split by how they are named. */
export interface PeopleList {
  userIds: string[];
  emails: string[];
  people: NamedPerson[];
}

/**
 * Validates a list of people: `users:` and a guardrail's list take user ids and emails (an
 * entry with an "@" is an email, compared lower-cased), `protected:` user ids only (the
 * resource protects by id). `at` ends with the list's key, which names it in messages.
 */
export function validatePeople(value: unknown, at: Segments, list: NamedPerson["list"], report: Report, locate: Locate): PeopleList {
  const name = String(at.at(-1));
  const takesEmails = list !== "protected";
  const found: PeopleList = { userIds: [], emails: [], people: [] };
  if (!Array.isArray(value)) {
    const hint = value === null ? ` (write "${name}: []" for none)` : "";
    report(at, `must be a list of ${takesEmails ? "user ids or emails" : "user ids"}, got ${describe(value)}${hint}`);
    return found;
  }
  const firstIndex = new Map<string, number>();
  value.forEach((item: unknown, index) => {
    const itemAt = [...at, index];
    if (typeof item !== "string") {
      report(itemAt, `must be a ${takesEmails ? "user id or an email" : "user id"} (a string), got ${describe(item)}`);
      return;
    }
    const isEmail = item.includes("@");
    if (isEmail && !takesEmails) {
      report(itemAt, `${quote(item)} is an email, and "${name}:" takes user ids only`);
      return;
    }
    const problem = isEmail ? emailProblem(item) : userIdProblem(item);
    if (problem) {
      report(itemAt, problem);
      return;
    }
    const key = personKey(item);
    const earlier = firstIndex.get(key);
    if (earlier !== undefined) {
      report(itemAt, `${quote(item)} is listed twice (first at ${name}[${earlier}])`);
      return;
    }
    firstIndex.set(key, index);
    (isEmail ? found.emails : found.userIds).push(item);
    found.people.push({ value: item, kind: isEmail ? "email" : "userId", list, index, ...locate(itemAt) });
  });
  return found;
}

/** What one name of a person is compared by: a user id as written, an email lower-cased. */
export function personKey(value: string): string {
  return value.includes("@") ? normalizeEmail(value) : value;
}
