import * as pulumi from "@pulumi/pulumi";
import { gitops } from "./program";

const config = new pulumi.Config();
const stack = gitops(config.get("membersFile") ?? "members.yaml");
export const members = stack.then((declared) => declared.members);
export const workspaceIds = stack.then((declared) => declared.workspaceIds);
