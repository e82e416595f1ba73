import * as pulumi from "@pulumi/pulumi";
import { gitops } from "./program";

const config = new pulumi.Config();
export const { members } = gitops(config.get("membersFile") ?? "members.yaml");
