/**
 * Child-process entry of `captureRegistrationsInProcess`: runs one program under
 * `captureRegistrations` in a plain Node process and writes the registrations as JSON.
 *
 * Usage: `node --require tsx/cjs capture-child.ts <request.json>`, where the request is
 * `{ program, output, options }`: the program module's path (its default export, or the
 * module itself, is the program function), the file to write, and `CaptureOptions`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { captureRegistrations, type CaptureOptions } from "./capture";

interface CaptureRequest {
  program: string;
  output: string;
  options: CaptureOptions;
}

async function main(requestPath: string): Promise<void> {
  const request = JSON.parse(readFileSync(requestPath, "utf8")) as CaptureRequest;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is chosen at run time
  const loaded = require(request.program) as { default?: unknown };
  const program = (typeof loaded.default === "function" ? loaded.default : loaded) as () => void | Promise<void>;
  if (typeof program !== "function") throw new Error(`${request.program} exports no program function`);
  const registrations = await captureRegistrations(program, request.options);
  writeFileSync(request.output, JSON.stringify(registrations));
}

main(process.argv[2] ?? "").catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
