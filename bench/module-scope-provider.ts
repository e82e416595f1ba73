/**
 * Bench only: the provider written the obvious way, with the lifecycle (and through it zod,
 * undici and the client) imported at module scope. Pulumi's closure serializer then has to
 * carry everything the methods reach into every resource's state; its size beside ours is
 * what lazy loading saves.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as lifecycle from "../provider/members/lifecycle";

type Inputs = Record<string, unknown>;

/** `WorkspaceMembersProvider` without the call-time `require`. */
export class ModuleScopeMembersProvider implements pulumi.dynamic.ResourceProvider {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    return lifecycle.configure(req);
  }
  async check(olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult> {
    return lifecycle.check(olds, news);
  }
  async diff(id: string, olds: Inputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
    return lifecycle.diff(id, olds, news);
  }
  async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult> {
    return lifecycle.create(inputs);
  }
  async read(id: string, props: Inputs): Promise<pulumi.dynamic.ReadResult> {
    return lifecycle.read(id, props);
  }
  async update(id: string, olds: Inputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult> {
    return lifecycle.update(id, olds, news);
  }
  async delete(id: string, props: Inputs): Promise<void> {
    return lifecycle.remove(id, props);
  }
}
