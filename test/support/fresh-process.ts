import { spawnSync } from "node:child_process";
import { join } from "node:path";

const REPO_ROOT = join(__dirname, "..", "..");

/** In the script: whether any module of the dependency `name` has been required. */
const LOADED = 'const loaded = (name) => Object.keys(require.cache).some((f) => f.replace(/\\\\/g, "/").includes(`node_modules/${name}/`));';

/**
 * Runs `lines` (CommonJS, TypeScript allowed) in a fresh Node process at the repository's
 * root and returns what they print to stdout, parsed as JSON. The script may call
 * `loaded(name)`. For tests of what loads when: in jest's process everything is loaded
 * already. Anything the script writes to stderr fails the test.
 */
export function inFreshProcess(lines: string[]): unknown {
  const run = spawnSync(process.execPath, ["--import", "tsx", "-e", [LOADED, ...lines].join("\n")], { cwd: REPO_ROOT, encoding: "utf8" });
  if (run.stderr !== "") throw new Error(`the fresh process wrote to stderr:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}
