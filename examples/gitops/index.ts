import * as pulumi from "@pulumi/pulumi";
import { gitops } from "./program";

const config = new pulumi.Config();
export const { members, workspaceIds } = gitops(config.get("membersFile") ?? "members.yaml");
