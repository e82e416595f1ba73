import * as pulumi from "@pulumi/pulumi";
import { gitops } from "./program";

// The program is one async function, which Pulumi awaits: the members file is checked
// against the organization before anything is declared, and a problem fails the preview as
// its error alone. What it returns are the stack's outputs (`members`, `workspaceIds`, `guardrailMembers`).
export = async () => gitops(new pulumi.Config().get("membersFile") ?? "members.yaml");
