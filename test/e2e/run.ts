/**
 * `npm run e2e`: the example stacks driven by the real `pulumi` CLI against the OpenRouter
 * emulator (issue 12). Each case runs in its own copy of an example stack, with its own
 * local backend and a fresh emulator, and asserts what the CLI printed, what the state holds
 * and what the emulator holds and received.
 *
 *   npm run e2e                  # every case
 *   npm run e2e -- 3 5           # cases 3 and 5
 *   E2E_KEEP=1 npm run e2e       # keep the stacks' folder even when every case passes
 *
 * Prints the CLI once, a line per case, and ends with `e2e: N passed, N failed`; exits 1 on
 * any failure. Without a CLI (see `npm run pulumi-cli`) the suite is skipped, except under
 * CI, where that is a failure. A failed run keeps its stacks' folder and names it.
 */
import { seedDemoOrganization, startEmulator } from "../../provider/testing";
import { findPulumiCli } from "../../scripts/pulumi-cli";
import { CASES } from "./cases";
import { StackFarm } from "./stacks";

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function main(selected: string[]): Promise<number> {
  const cases = CASES.map((c, i) => ({ ...c, number: i + 1 })).filter((c) => selected.length === 0 || selected.includes(String(c.number)));
  const found = findPulumiCli();
  if ("missing" in found) {
    console.log(`pulumi CLI: none (${found.missing})`);
    if (!process.env.CI) {
      console.log(`e2e: 0 passed, 0 failed, ${cases.length} skipped`);
      return 0;
    }
    for (const c of cases) console.log(`✗ ${c.number}. ${c.title}: not run, no Pulumi CLI`);
    console.log(`e2e: 0 passed, ${cases.length} failed`);
    return 1;
  }
  console.log(`pulumi CLI: ${found.path} (${found.version})`);
  console.log(`language host: ${found.languageHost}`);

  const started = performance.now();
  const farm = await StackFarm.create(found);
  console.log(`stacks: ${farm.root} (this package packed and installed in ${seconds(farm.installMs)})`);

  // One case at a time: a CLI command keeps both cores of these machines busy (two cases at
  // once took 457 s against 397 s one after the other).
  let passed = 0;
  for (const c of cases) {
    const caseStarted = performance.now();
    const emulator = await startEmulator({ seed: `e2e-${c.number}` });
    seedDemoOrganization(emulator);
    let failure: string | undefined;
    try {
      await c.run(await farm.stack(c.example, `${c.number}-${c.example}`, emulator));
      passed++;
    } catch (error) {
      failure = (error as Error).stack ?? String(error);
    } finally {
      await emulator.close();
    }
    console.log(`${failure ? "✗" : "✓"} ${c.number}. ${c.title} (${seconds(performance.now() - caseStarted)})`);
    if (failure) console.log(indent(failure));
  }
  const failed = cases.length - passed;

  if (failed === 0 && !process.env.E2E_KEEP) farm.remove();
  else console.log(`kept for inspection: ${farm.root}`);
  console.log(`total ${seconds(performance.now() - started)}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.log(`e2e could not run: ${(error as Error).stack ?? String(error)}`);
    console.log("e2e: 0 passed, 1 failed");
    process.exitCode = 1;
  },
);
