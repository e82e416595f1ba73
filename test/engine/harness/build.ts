import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createHash } from "node:crypto";

/** The repository's root: the plugin's working directory for tests in this checkout. */
export const REPO_ROOT = resolve(__dirname, "..", "..", "..");

/**
 * Makes sure `lib/` holds a build of the current `provider/` sources, running
 * `npm run build` when any source is newer than the build.
 *
 * The plugin loads the package by name, and the package's `exports` point at `lib/`: a test
 * that spawns the plugin runs the compiled code, never the TypeScript under test. `npm test`
 * builds first, so there this is a check; a lone `npx jest test/engine/members-plugin.test.ts` builds once.
 * A lock directory keeps jest's parallel workers from building over each other.
 */
export async function ensureBuilt(): Promise<void> {
  if (!isStale()) return;
  const lock = join(tmpdir(), `pulumi-openrouter-build-${createHash("sha256").update(REPO_ROOT).digest("hex").slice(0, 12)}`);
  await acquire(lock);
  try {
    if (!isStale()) return;
    try {
      execFileSync("npm", ["run", "build", "--silent"], { cwd: REPO_ROOT, stdio: "pipe" });
    } catch (error) {
      // tsc emits despite type errors elsewhere in the tree; the tests then show whether
      // the emitted code works. A build that emitted nothing is fatal.
      if (isStale()) throw new Error(`npm run build failed:\n${String((error as { stdout?: unknown }).stdout ?? error)}`);
    }
  } finally {
    rmdirSync(lock);
  }
}

/** Whether `provider/` holds a source newer than the build the plugin loads. */
export function isStale(): boolean {
  const built = join(REPO_ROOT, "lib", "members", "lifecycle.js");
  if (!existsSync(built)) return true;
  return newestMtime(join(REPO_ROOT, "provider")) > statSync(built).mtimeMs;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock older than any build is left over from a killed run.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000) {
        rmdirSync(lock, { recursive: false });
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }
}
