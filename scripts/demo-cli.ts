/**
 * The demo's steps through the real `pulumi` CLI (`npm run demo -- --cli`): a copy of the
 * quickstart stack, set up as its README says (local backend, the key as a secret), whose
 * `index.ts` is rewritten for each edit of the program. A preview is `pulumi preview --diff`,
 * whose printed plan the demo reads; an up after it is `pulumi up --yes --skip-preview`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Emulator } from "../provider/testing";
import { planOf, signedProperties, userEntries } from "../test/e2e/output";
import { StackFarm, type CliResult, type CliStack } from "../test/e2e/stacks";
import type { DemoDriver, DemoProgram, RecordedResource, ResourcePlan } from "./demo";
import type { PulumiCli } from "./pulumi-cli";

const MEMBERS_TYPE = "pulumi-nodejs:dynamic/openrouter:WorkspaceMembers";
const PROPERTY_CHANGE = { "+": "add", "-": "delete", "~": "update" } as const;

/** Sets up the stack (with `config` besides the URL and the key) and returns the driver. */
export async function startCliDriver(cli: PulumiCli, emulator: Emulator, config: Record<string, string>): Promise<DemoDriver> {
  const farm = await StackFarm.create(cli);
  try {
    const stack = await farm.stack("quickstart", "demo", emulator);
    for (const [key, value] of Object.entries(config)) await stack.pulumi(["config", "set", key, value]);
    return new CliDriver(farm, stack, [
      `${cli.path} (${cli.version})`,
      `language host: ${cli.languageHost}`,
      `stack ${stack.dir}: the quickstart, this package installed from its tarball`,
      `config: openrouter:managementKey [secret]  ${Object.entries(config).map(([k, v]) => `${k} ${v}`).join("  ")}`,
    ]);
  } catch (error) {
    farm.remove();
    throw error;
  }
}

class CliDriver implements DemoDriver {
  readonly activityLabel = "pulumi";
  private seen = 0;

  constructor(
    private readonly farm: StackFarm,
    private readonly stack: CliStack,
    readonly description: string[],
  ) {}

  async preview(program: DemoProgram): Promise<ResourcePlan[]> {
    const inState = (await this.resources()).map((r) => nameOf(r.urn));
    this.write(program);
    const { output } = await this.stack.preview();
    const names = [...new Set(["platform", ...(program.onboarding ? [program.onboarding.name] : []), ...inState])];
    return names.map((name) => planFromOutput(output, name));
  }

  async apply(program: DemoProgram): Promise<void> {
    this.write(program);
    await this.stack.pulumi(["up", "--yes", "--skip-preview"]);
  }

  async refresh(): Promise<void> {
    await this.stack.pulumi(["refresh", "--yes"]);
  }

  async destroy(): Promise<void> {
    await this.stack.destroy();
  }

  async resources(): Promise<RecordedResource[]> {
    const { deployment } = await this.stack.exportState();
    return (deployment.resources ?? [])
      .filter((r) => r.type === MEMBERS_TYPE)
      .map((r) => ({ urn: r.urn, inputs: r.inputs, outputs: r.outputs ?? {}, initErrors: r.initErrors }));
  }

  takeActivity(): string[] {
    // `stack export` only reads the state for the demo's checks: not part of the story.
    const ran = this.stack.history.slice(this.seen).filter((r) => r.command !== "pulumi stack export");
    this.seen = this.stack.history.length;
    return ran.length === 0 ? ["none"] : ran.map(describeRun);
  }

  diagnostics(): string {
    return (this.stack.history.at(-1)?.output ?? "").trim().split("\n").slice(-20).join("\n");
  }

  async close(): Promise<void> {
    this.farm.remove();
  }

  private write({ users, onboarding }: DemoProgram): void {
    const lines = [
      'import * as openrouter from "pulumi-openrouter";',
      'import { quickstart } from "./program";',
      "",
      `export const { workspaceUuid, members } = quickstart(${JSON.stringify(users)});`,
    ];
    if (onboarding) {
      const args = { workspaceId: onboarding.workspaceId, userIds: onboarding.userIds };
      lines.push(`new openrouter.WorkspaceMembers(${JSON.stringify(onboarding.name)}, ${JSON.stringify(args)});`);
    }
    writeFileSync(join(this.stack.dir, "index.ts"), `${lines.join("\n")}\n`);
  }
}

/** One resource's plan as the CLI printed it; a resource it did not print has no change. */
function planFromOutput(output: string, name: string): ResourcePlan {
  const step = planOf(output, name);
  if (!step) return { name, op: "same", added: [], removed: [], changed: [] };
  const entries = userEntries(step.lines);
  const signed = (sign: string) => entries.filter((e) => e.startsWith(`${sign} `)).map((e) => e.slice(2));
  // A create or delete prints the whole set unsigned under its signed header.
  const unsigned = entries.filter((e) => !/^[-+~] /.test(e));
  const op = step.op as ResourcePlan["op"];
  return {
    name,
    op,
    added: op === "create" ? unsigned : signed("+"),
    removed: op === "delete" ? unsigned : signed("-"),
    changed: signedProperties(step.lines)
      .filter((p) => p.name !== "userIds")
      .map((p) => ({ path: p.name, kind: PROPERTY_CHANGE[p.sign] })),
  };
}

function describeRun(run: CliResult): string {
  return `${run.command} (${run.ms < 1000 ? `${Math.round(run.ms)} ms` : `${(run.ms / 1000).toFixed(1)} s`})`;
}

const nameOf = (urn: string): string => urn.split("::").at(-1) ?? urn;
