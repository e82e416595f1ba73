import type { RandomSource } from "./random";
import { SortedIdMap, type Page } from "./sorted-map";

/** A member of the organization. */
export interface OrgUser {
  /** The user's id, e.g. `user_alice`. */
  id: string;
  /** Organization role (`"admin"`, `"member"`, or any other string); bulk add copies it. */
  role: string;
  /** Managed by the identity provider: the service refuses to remove such a member. */
  scim: boolean;
  /** Unique in the organization, compared case-insensitively. */
  email: string;
  firstName: string | null;
  lastName: string | null;
}

/**
 * An organization user to add or update. Left out on a new user, `role` is `member`, `scim`
 * false, and the email and names are derived from the id ({@link deriveEmail}); left out
 * on an existing user, each keeps its value. `null` names mean the user gave none.
 */
export interface OrgUserFields {
  id: string;
  role?: string;
  scim?: boolean;
  email?: string;
  firstName?: string | null;
  lastName?: string | null;
}

/** An organization member as `GET /organization/members` sends it. */
export interface WireOrgMember {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  /** `org:admin` or `org:member` (an org role of another name keeps its name after the prefix). */
  role: string;
}

/** The domain of derived emails: reserved for examples, so no mail can ever reach anyone. */
export const DERIVED_EMAIL_DOMAIN = "example.com";

/**
 * The email a user gets when none is given: the id without its `user_` prefix, lower-cased,
 * every run of other characters than letters and digits one dot (`user_alice` →
 * `alice@example.com`, `user_hire_001` → `hire.001@example.com`).
 */
export function deriveEmail(userId: string): string {
  const local = userId
    .replace(/^user_/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ".")
    .replace(/^\.|\.$/g, "");
  return `${local === "" ? "user" : local}@${DERIVED_EMAIL_DOMAIN}`;
}

const FIRST_NAMES = ["Ana", "Bilal", "Chen", "Dara", "Elif", "Femi", "Gita", "Hugo", "Ines", "Jonas", "Kaito", "Lena"];
const LAST_NAMES = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Kowalski", "Silva", "Novak", "Mensah", "Reyes"];

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * The organization's users, listed in id order, with a unique email each. Only
 * `Organization` changes it, so the default workspace always follows it.
 */
export class Directory {
  private readonly users = new SortedIdMap<OrgUser>();
  /** Lower-cased email → user id. */
  private readonly idByEmail = new Map<string, string>();

  /** `people` draws the derived names, from its own stream so they never shift generated ids. */
  constructor(private readonly people: RandomSource) {}

  /** Adds or updates a user (see {@link OrgUserFields}); throws a plain `Error` on a bad id or a taken email. */
  put(fields: OrgUserFields): OrgUser {
    if (typeof fields.id !== "string" || fields.id.trim() === "") {
      throw new Error(`Organization user id must be a non-empty string, got ${JSON.stringify(fields.id)}`);
    }
    const existing = this.users.get(fields.id);
    const email = fields.email ?? existing?.email ?? this.freeEmail(deriveEmail(fields.id));
    if (!EMAIL_PATTERN.test(email)) throw new Error(`Invalid email ${JSON.stringify(email)} for "${fields.id}"`);
    const owner = this.idByEmail.get(email.toLowerCase());
    if (owner !== undefined && owner !== fields.id) throw new Error(`Email "${email}" already belongs to "${owner}"`);
    const user: OrgUser = {
      id: fields.id,
      role: fields.role ?? existing?.role ?? "member",
      scim: fields.scim ?? existing?.scim ?? false,
      email,
      firstName: fields.firstName !== undefined ? fields.firstName : existing ? existing.firstName : this.firstNameFor(email),
      lastName: fields.lastName !== undefined ? fields.lastName : existing ? existing.lastName : this.pick(LAST_NAMES),
    };
    if (existing) this.idByEmail.delete(existing.email.toLowerCase());
    this.idByEmail.set(email.toLowerCase(), user.id);
    this.users.set(user.id, user);
    return user;
  }

  has(userId: string): boolean {
    return this.users.has(userId);
  }

  /** The user, or `undefined`: a copy, so a caller cannot change the directory by accident. */
  get(userId: string): OrgUser | undefined {
    const user = this.users.get(userId);
    return user && { ...user };
  }

  /** The user with this email (any case), or `undefined`. */
  byEmail(email: string): OrgUser | undefined {
    const id = this.idByEmail.get(email.toLowerCase());
    return id === undefined ? undefined : this.get(id);
  }

  /** Every user, in id order. */
  all(): OrgUser[] {
    return this.users.sortedIds().map((id) => ({ ...(this.users.get(id) as OrgUser) }));
  }

  /** One page of `GET /organization/members`, in id order. */
  list(offset: number, limit: number): Page<WireOrgMember> {
    return this.users.page(offset, limit, (user) => ({
      id: user.id,
      email: user.email,
      first_name: user.firstName,
      last_name: user.lastName,
      role: `org:${user.role}`,
    }));
  }

  /** `wanted`, or, when another user has it, the first of `local2@`, `local3@`, ... that is free. */
  private freeEmail(wanted: string): string {
    const at = wanted.indexOf("@");
    let candidate = wanted;
    for (let n = 2; this.idByEmail.has(candidate.toLowerCase()); n++) {
      candidate = `${wanted.slice(0, at)}${n}${wanted.slice(at)}`;
    }
    return candidate;
  }

  /** A name-like local part (`alice`) is the first name; anything else (`p001`) draws one. */
  private firstNameFor(email: string): string {
    const local = email.slice(0, email.indexOf("@"));
    return /^[a-z]{2,}$/.test(local) ? capitalize(local) : this.pick(FIRST_NAMES);
  }

  private pick(names: readonly string[]): string {
    return names[Math.floor(this.people.next() * names.length)] as string;
  }
}
