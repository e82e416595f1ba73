/**
 * The organization's directory as a lookup: every member with the email and names they
 * have in the organization, for programs (`getOrganizationMembersOutput()` beside the
 * resources), scripts, and the members file's check of the people it names. Loads the
 * client only when first called (see session.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { OrganizationMember } from "../api/types";
import { withClient, type LookupOptions } from "./session";

/** The organization's members, as {@link getOrganizationMembers} reads them. */
export interface GetOrganizationMembersResult {
  /** Every member of the organization, sorted by `userId`: `{ userId, email, firstName, lastName, role }`. */
  members: OrganizationMember[];
}

/**
 * Reads every member of the organization (all pages, `concurrency` pages at a time), sorted
 * by user id.
 */
export async function getOrganizationMembers(options: LookupOptions = {}): Promise<GetOrganizationMembersResult> {
  return withClient(options, async ({ client, concurrency }) => {
    const members = await client.listOrganizationMembers({ concurrency });
    return { members: members.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0)) };
  });
}

/** {@link getOrganizationMembers} for a program, as an `Output`. */
export function getOrganizationMembersOutput(options: LookupOptions = {}): pulumi.Output<GetOrganizationMembersResult> {
  return pulumi.output(getOrganizationMembers(options));
}
