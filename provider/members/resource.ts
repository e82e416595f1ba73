import * as pulumi from "@pulumi/pulumi";
import type * as Lifecycle from "./lifecycle";
import { loadImplementation as importedLoader } from "../load-implementation";
import type { Membership } from "../api/types";
import { declareSetOutputs, type SetOutputs } from "../membership/preview-outputs";

// Bound to a local so Pulumi serializes the function itself: in an installed package, an
// imported module object is serialized as require("pulumi-openrouter/lib/..."), a path the
// package's `exports` hide (found by test/engine/tarball.test.ts).
const load = importedLoader;

/** The inputs of a {@link WorkspaceMembers} resource. */
export interface WorkspaceMembersArgs {
  /** The workspace's UUID or slug. Changing it to another workspace replaces the resource. */
  workspaceId: pulumi.Input<string>;
  /**
   * The users this resource manages, by user id: a set (order never matters); may be empty.
   * Required unless `emails` names the members.
   */
  userIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * More users to manage, named by the email they have in the organization: a set, compared
   * lower-cased. Create and update resolve them with one listing of the organization's
   * directory; an email no member has fails before any change. A user named here and in
   * `userIds` is managed once.
   */
  emails?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * `false` (default): manage only the listed users and never touch anyone else.
   * `true`: the workspace holds exactly the listed users (plus `protectedUserIds`); anyone
   * else is removed on create and update and shows as drift on refresh.
   */
  exclusive?: pulumi.Input<boolean>;
  /** Users this resource never removes, in any mode (break-glass admins). */
  protectedUserIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** A create, update or delete that would remove more users than this fails before any change. */
  maxRemovals?: pulumi.Input<number>;
}


/**
 * The Pulumi side of the provider. It holds no state and its methods reach only
 * `load` (the bound `loadImplementation`), so the text Pulumi serializes into every
 * resource's state stays under 4 KiB and free of secrets (ARCHITECTURE.md "The plugin
 * process"). The methods return the implementation's promises rather than being `async`
 * themselves and forward their arguments as they come: the plugin awaits them either way,
 * and every byte here is stored in each resource's state.
 */
export class WorkspaceMembersProvider implements pulumi.dynamic.ResourceProvider {
  configure(...args: Parameters<typeof Lifecycle.configure>) {
    return load<typeof Lifecycle>("lifecycle").configure(...args);
  }
  check(...args: Parameters<typeof Lifecycle.check>) {
    return load<typeof Lifecycle>("lifecycle").check(...args);
  }
  diff(...args: Parameters<typeof Lifecycle.diff>) {
    return load<typeof Lifecycle>("lifecycle").diff(...args);
  }
  create(...args: Parameters<typeof Lifecycle.create>) {
    return load<typeof Lifecycle>("lifecycle").create(...args);
  }
  read(...args: Parameters<typeof Lifecycle.read>) {
    return load<typeof Lifecycle>("lifecycle").read(...args);
  }
  update(...args: Parameters<typeof Lifecycle.update>) {
    return load<typeof Lifecycle>("lifecycle").update(...args);
  }
  delete(...args: Parameters<typeof Lifecycle.remove>) {
    return load<typeof Lifecycle>("lifecycle").remove(...args);
  }
}

// One instance for every resource: Pulumi caches the serialized text per provider object.
let sharedProvider: WorkspaceMembersProvider | undefined;

/**
 * The members of one OpenRouter workspace, declared as a set.
 *
 * Listing users who are already members adopts them: this is how existing memberships come
 * under management (dynamic providers cannot `pulumi import`).
 */
export class WorkspaceMembers extends pulumi.dynamic.Resource {
  /** The workspace id or slug, as given. */
  declare readonly workspaceId: pulumi.Output<string>;
  /** The workspace's UUID, resolved at create. */
  declare readonly workspaceUuid: pulumi.Output<string>;
  /** The workspace's slug, resolved at create: lets a diff tell a slug from its own UUID. */
  declare readonly workspaceSlug: pulumi.Output<string>;
  /** Sorted ids of the users this resource manages that are members, named by id or by email. */
  declare readonly userIds: pulumi.Output<string[]>;
  /** Sorted, lower-cased: the managed emails whose user is a member. */
  declare readonly emails: pulumi.Output<string[]>;
  /** Each managed email → the user id it named when last resolved. */
  declare readonly emailUserIds: pulumi.Output<Record<string, string>>;
  /** Memberships of those users, sorted by `userId`, exactly as the service returned them. */
  declare readonly memberships: pulumi.Output<Membership[]>;
  /**
   * Sorted ids of managed users whose last add or remove was sent but neither confirmed nor
   * refuted (its answer was lost, and the listing meant to settle it failed too); empty when
   * none. They are in neither `userIds` nor `memberships`; the next update, refresh or
   * destroy settles them first.
   */
  declare readonly unconfirmedUserIds: pulumi.Output<string[]>;
  declare readonly exclusive: pulumi.Output<boolean>;
  declare readonly protectedUserIds: pulumi.Output<string[]>;
  declare readonly maxRemovals: pulumi.Output<number | undefined>;

  constructor(name: string, args: WorkspaceMembersArgs, opts?: pulumi.CustomResourceOptions) {
    sharedProvider ??= new WorkspaceMembersProvider();
    const props = {
      workspaceId: args.workspaceId,
      userIds: args.userIds,
      emails: args.emails,
      exclusive: args.exclusive ?? false,
      protectedUserIds: args.protectedUserIds,
      maxRemovals: args.maxRemovals,
      workspaceUuid: undefined,
      workspaceSlug: undefined,
      memberships: undefined,
      unconfirmedUserIds: undefined,
      emailUserIds: undefined,
    };
    super(sharedProvider, name, props, opts, "openrouter", "WorkspaceMembers");
    declareSetOutputs(this as unknown as SetOutputs, args.emails);
  }
}
