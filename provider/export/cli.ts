#!/usr/bin/env node
/**
 * The `pulumi-openrouter` command: `pulumi-openrouter export` writes the organization as a
 * members file (or a program) that adopts it. Glue only: flags (`node:util` `parseArgs`),
 * the key from the environment, progress and errors on stderr, the file on stdout or in
 * `--output`. What is read and written is index.ts's.
 *
 * Exit codes: 0 written; 1 the organization could not be read; 2 a usage error (a bad flag,
 * no key, an output file that exists), found before any request.
 */
import { writeFileSync, existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_BASE_URL, showUrl } from "../api/settings";
import { OpenRouterArgumentError, OpenRouterConfigError, isOpenRouterError } from "../core/errors";
import { quote, unknownName } from "../core/messages";
import { countExport, exportOrganization, formatMembersFile, formatProgram, type ExportProgress } from "./index";
import { plural } from "./notes";

const COMMAND = "pulumi-openrouter";

export const EXPORT_USAGE = `Usage: ${COMMAND} export [options]

Writes every workspace of the organization (but the default one, which everyone is in), its
members and its budgets, as a members file for the gitops program: the starting point of a
stack that adopts what exists. Its first \`pulumi up\` changes nobody's membership.

Options:
  --workspace <slug|uuid>  export this workspace (repeat for several); default: all of them
  --ids                    name people by user id, not by the email the organization has
  --format yaml|ts         a members file (default), or a Pulumi TypeScript program using
                           the resources directly (default when --output ends in .ts)
  --output <file>          write the file there instead of to stdout; an existing file is
                           refused unless --force
  --force                  overwrite the --output file
  --help                   show this text

The management key is read from the environment only, never from the command line (where
the process list and the shell's history would keep it):
  OPENROUTER_MANAGEMENT_KEY (or OPENROUTER_API_KEY)   a management key of the organization
  OPENROUTER_BASE_URL   the API root (default ${DEFAULT_BASE_URL})
  OPENROUTER_CONCURRENCY, OPENROUTER_MAX_ATTEMPTS, OPENROUTER_TIMEOUT_MS, ...   as for the provider

Progress goes to stderr; stdout holds nothing but the file when there is no --output.`;

const USAGE = `Usage: ${COMMAND} <command> [options]

Commands:
  export    write the organization as a members file that adopts it (${COMMAND} export --help)`;

const OPTIONS = {
  workspace: { type: "string", multiple: true },
  ids: { type: "boolean" },
  format: { type: "string" },
  output: { type: "string" },
  force: { type: "boolean" },
  help: { type: "boolean" },
} as const;

const FORMATS = ["yaml", "ts"] as const;

/** The export as the command line asks for it. */
export interface ExportCommand {
  help: boolean;
  workspaces?: string[];
  byUserIds: boolean;
  format: (typeof FORMATS)[number];
  output?: string;
  force: boolean;
}

/** Reads the flags after `export`; a bad one is an `OpenRouterArgumentError` naming it (never a value: it could be a key). */
export function parseExportCommand(argv: readonly string[]): ExportCommand {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === "option" && !(token.name in OPTIONS)) throw new OpenRouterArgumentError(unknownFlag(token.rawName));
    if (token.kind === "positional") {
      // Not shown: a key pasted by mistake would land in a log.
      throw new OpenRouterArgumentError(`export takes options only: argument ${token.index + 1} is not one (it is not shown, in case it is a key)`);
    }
  }
  let values: ReturnType<typeof parseStrictly>;
  try {
    values = parseStrictly(argv);
  } catch (error) {
    // Node's own wording, which names the option and never its value.
    throw new OpenRouterArgumentError((error as Error).message);
  }
  const format = values.format ?? (values.output?.endsWith(".ts") ? "ts" : "yaml");
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new OpenRouterArgumentError(`--format must be ${FORMATS.join(" or ")}, got ${quote(format)}`);
  }
  if (values.force && values.output === undefined) throw new OpenRouterArgumentError("--force overwrites the --output file, and there is none");
  return {
    help: values.help ?? false,
    ...(values.workspace === undefined ? {} : { workspaces: values.workspace }),
    byUserIds: values.ids ?? false,
    format: format as ExportCommand["format"],
    ...(values.output === undefined ? {} : { output: values.output }),
    force: values.force ?? false,
  };
}

function parseStrictly(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
}

function unknownFlag(flag: string): string {
  if (/key|token|secret/i.test(flag)) {
    return `unknown option ${quote(flag)}: the management key is read from OPENROUTER_MANAGEMENT_KEY (or OPENROUTER_API_KEY) only, never from the command line`;
  }
  return unknownName("option", flag, Object.keys(OPTIONS).map((name) => `--${name}`));
}

/** Where the command writes, and what it prints besides the file. */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** Runs the command line `argv` (after the command's name), with the settings in the environment; returns the exit code. */
export async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const env = process.env;
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h") {
    (command === undefined ? io.stderr : io.stdout).write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== "export") return fail(io, unknownName("command", command, ["export"]), 2);
  let options: ExportCommand;
  try {
    options = parseExportCommand(rest);
  } catch (error) {
    return fail(io, `${(error as Error).message} (see ${COMMAND} export --help)`, 2);
  }
  if (options.help) {
    io.stdout.write(`${EXPORT_USAGE}\n`);
    return 0;
  }
  if (![env.OPENROUTER_MANAGEMENT_KEY, env.OPENROUTER_API_KEY].some((key) => key !== undefined && key.trim() !== "")) {
    return fail(io, "no management key: set OPENROUTER_MANAGEMENT_KEY (or OPENROUTER_API_KEY) in the environment; it is never taken from the command line", 2);
  }
  if (options.output !== undefined && !options.force && existsSync(options.output)) {
    return fail(io, `${options.output} exists: pass --force to overwrite it`, 2);
  }
  const progress = progressLine(io.stderr);
  try {
    const exported = await exportOrganization({
      ...(options.workspaces === undefined ? {} : { workspaces: options.workspaces }),
      byUserIds: options.byUserIds,
      onProgress: progress.report,
    });
    progress.end();
    const text = options.format === "ts" ? formatProgram(exported) : formatMembersFile(exported);
    if (options.output === undefined) io.stdout.write(text);
    else writeFileSync(options.output, text, { flag: options.force ? "w" : "wx" });
    io.stderr.write(`${summary(exported, options.output)}\n`);
    return 0;
  } catch (error) {
    progress.end();
    return fail(io, describeFailure(error, env.OPENROUTER_BASE_URL), isUsageError(error) ? 2 : 1);
  }
}

/**
 * One line, never a stack trace: a failure's message, where the client's errors already say
 * which setting to change (a refused key, a base URL that looks wrong).
 */
function describeFailure(error: unknown, baseUrl: string | undefined): string {
  if (!isOpenRouterError(error)) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "EEXIST") return "the output file appeared while the organization was read: pass --force to overwrite it";
    return `cannot write the file: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (isUsageError(error)) return error.message;
  return `cannot read the organization at ${showUrl(new URL(baseUrl ?? DEFAULT_BASE_URL))}: ${error.message}`;
}

function isUsageError(error: unknown): boolean {
  return error instanceof OpenRouterArgumentError || error instanceof OpenRouterConfigError;
}

function fail(io: CommandIo, message: string, code: number): number {
  io.stderr.write(`${COMMAND} export: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  return code;
}

/**
 * Progress on stderr: one line rewritten in place on a terminal, a line per step otherwise
 * (a CI log), so that a large organization shows it is moving.
 */
function progressLine(stderr: CommandIo["stderr"]): { report: (progress: ExportProgress) => void; end: () => void } {
  let open = false;
  const show = (line: string) => {
    if (stderr.isTTY) {
      stderr.write(`\r\x1b[K${line}`);
      open = true;
    } else {
      stderr.write(`${line}\n`);
    }
  };
  return {
    report(progress) {
      if (progress.kind === "listed") {
        show(`Reading ${plural(progress.workspaces, "workspace")} of an organization of ${plural(progress.people, "person", "people")}`);
      } else {
        show(`[${progress.done}/${progress.total}] ${progress.slug}: ${plural(progress.members, "member")} (${plural(progress.memberships, "membership")} so far)`);
      }
    },
    end() {
      if (open) stderr.write("\n");
      open = false;
    },
  };
}

function summary(exported: Parameters<typeof countExport>[0], output: string | undefined): string {
  const counts = countExport(exported);
  const parts = [
    `Exported ${plural(counts.workspaces, "workspace")}: ${plural(counts.byEmail + counts.byId, "membership")} ` +
      `(${counts.byEmail} by email, ${counts.byId} by user id), ${counts.budgets} with budgets`,
  ];
  if (counts.leftOut > 0) parts.push(`${plural(counts.leftOut, "member")} not declared (see the notes in the file)`);
  return `${parts.join("; ")}${output === undefined ? "." : `; written to ${output}.`}`;
}

if (require.main === module) {
  runCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      // A bug: still one line, and the exit code says it failed.
      process.stderr.write(`${COMMAND}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
