/**
 * The members file's second pass: every person it names, by user id or by email, checked
 * against the organization's directory, so that a typo fails the preview of the pull request
 * that makes it (naming the file, the line, the workspace and the entry, and the nearest
 * name the directory has) rather than the `pulumi up` after the merge. One listing of the
 * directory per check, made in the program's process through the lookups; a flag turns it
 * off for previews without access to the service. The file's own rules are validate.ts's.
 */
import { MembersFileError, OpenRouterConfigError, type MembersFileProblem } from "../core/errors";
import { IDS_SHOWN, asClause, notInOrganization, quote } from "../core/messages";
import { PeopleDirectory } from "../core/people";
import { getOrganizationMembers } from "../lookups/organization";
import type { LookupOptions } from "../lookups/session";
import type { MembersFile, NamedPerson } from "./validate";

/** The environment variable that turns the check off (`false`) for offline previews. */
export const VALIDATE_MEMBERS_VARIABLE = "OPENROUTER_VALIDATE_MEMBERS";

/** How {@link checkMembersAgainstOrganization} reaches the organization, and whether it does. */
export interface OrganizationCheckOptions extends LookupOptions {
  /**
   * `false` skips the check (no request is made). Default: the environment variable
   * `OPENROUTER_VALIDATE_MEMBERS` (`false` or `0` skips it), else `true`.
   */
  validateAgainstOrganization?: boolean;
}

/**
 * Checks that every person `file` names (in `users:` and `protected:`) is a member of the
 * organization, and that no one is named twice in one `users:` list (once by id, once by
 * email). Returns `file` when all is well; otherwise throws a `MembersFileError` with one
 * problem per person, each naming the entry, its line, and the nearest email or user id the
 * directory has. A directory that cannot be read is a `MembersFileError` too, saying how to
 * skip the check, with the lookup's error as its `cause`. One listing of the directory,
 * none when the file names nobody or the check is off.
 */
export async function checkMembersAgainstOrganization(file: MembersFile, options: OrganizationCheckOptions = {}): Promise<MembersFile> {
  if (!isCheckOn(options)) return file;
  if (file.workspaces.every((entry) => entry.people.length === 0)) return file;
  let directory: PeopleDirectory;
  try {
    directory = new PeopleDirectory((await getOrganizationMembers(options)).members);
  } catch (error) {
    const why = asClause(error instanceof Error ? error.message : String(error));
    throw new MembersFileError(
      file.source,
      [
        {
          path: "",
          message:
            `cannot check the people it names against the organization: ${why}. ` +
            `To preview without the check, set ${VALIDATE_MEMBERS_VARIABLE}=false (or pass validateAgainstOrganization: false)`,
        },
      ],
      error,
    );
  }
  const problems: MembersFileProblem[] = [];
  for (const entry of file.workspaces) {
    /** Who each `users:` entry named so far, by user id: a second name for one is a repeat. */
    const named = new Map<string, NamedPerson>();
    for (const person of entry.people) {
      const userId = person.kind === "email" ? directory.userIdOf(person.value) : directory.has(person.value) ? person.value : undefined;
      if (userId === undefined) {
        // Each suggestion compares against the whole directory: only the first few get one.
        const closest =
          problems.length >= IDS_SHOWN ? undefined : person.kind === "email" ? directory.closestEmail(person.value) : directory.closestUserId(person.value);
        problems.push(problemAt(person, notInOrganization(person.value, closest)));
        continue;
      }
      if (person.list !== "users") continue;
      const earlier = named.get(userId);
      if (earlier === undefined) {
        named.set(userId, person);
      } else {
        const first = `${earlier.list}[${earlier.index}]`;
        problems.push(problemAt(person, `${quote(person.value)} names the same person as ${first} (${quote(earlier.value)}); list each user once`));
      }
    }
  }
  if (problems.length > 0) throw new MembersFileError(file.source, problems);
  return file;
}

function problemAt(person: NamedPerson, message: string): MembersFileProblem {
  return person.line === undefined ? { path: person.path, message } : { path: person.path, line: person.line, message };
}

/** The option when given, else the environment variable, else on; a value that is neither is refused. */
function isCheckOn(options: OrganizationCheckOptions): boolean {
  if (options.validateAgainstOrganization !== undefined) return options.validateAgainstOrganization;
  const value = process.env[VALIDATE_MEMBERS_VARIABLE]?.trim().toLowerCase();
  if (value === undefined || value === "" || value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new OpenRouterConfigError(
    `${VALIDATE_MEMBERS_VARIABLE} must be true or false (1 or 0), got ${quote(process.env[VALIDATE_MEMBERS_VARIABLE] ?? "")}`,
  );
}
