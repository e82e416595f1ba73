/**
 * Reading what the Pulumi CLI prints with `--diff` (and `--color never`): one block per
 * resource step, headed `<sign> <type>: (<op>)`, then `[urn=...]` and its properties:
 *
 *     ~ pulumi-nodejs:dynamic/openrouter:WorkspaceMembers: (update)
 *         [id=0d5844c4-...]
 *         [urn=urn:pulumi:e2e::openrouter-quickstart::pulumi-nodejs:dynamic/openrouter:WorkspaceMembers::platform]
 *       ~ userIds: {
 *           - user_carol: true
 *           + user_frank: true
 *         }
 */

/** One resource's step as printed: its operation and the lines under its header. */
export interface PrintedStep {
  op: string;
  lines: string[];
}

const HEADER = /^(\s*)(?:[-+~]+|[<>]|\s)?\s*[\w:./-]+: \(([\w-]+)\)$/;

/** The first step printed for the resource named `name`, or `undefined` when none is. */
export function planOf(output: string, name: string): PrintedStep | undefined {
  const lines = output.split("\n");
  const urnLine = lines.findIndex((line) => line.trimStart().startsWith("[urn=") && line.trimEnd().endsWith(`::${name}]`));
  if (urnLine < 0) return undefined;
  let headerLine = urnLine - 1;
  while (headerLine >= 0 && !HEADER.test(lines[headerLine]!)) headerLine--;
  const header = HEADER.exec(lines[headerLine] ?? "");
  if (!header) throw new Error(`no step header above line ${urnLine + 1}: ${lines[urnLine]}`);
  const depth = header[1]!.length;
  const body: string[] = [];
  for (const line of lines.slice(headerLine + 1)) {
    if (line.trim() !== "" && indentOf(line) <= depth) break;
    body.push(line);
  }
  return { op: header[2]!, lines: body };
}

/**
 * The entries of the `userIds` map in a step, as `"+ user_frank"`, `"- user_carol"`, or the
 * bare id where the line has no sign (every entry of a create).
 */
export function userEntries(lines: string[], property = "userIds"): string[] {
  const start = lines.findIndex((line) => new RegExp(`^\\s*(?:[-+~] )?${property}\\s*: \\{$`).test(line));
  if (start < 0) return [];
  const entries: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*}$/.test(line)) break;
    const entry = /^\s*(?:([-+~]) )?(\S+?)\s*: true$/.exec(line);
    if (!entry) throw new Error(`unexpected line in ${property}: ${line}`);
    entries.push(entry[1] ? `${entry[1]} ${entry[2]}` : entry[2]!);
  }
  return entries;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * The step's own properties printed with a sign (`~ maxRemovals`, `+ exclusive`), as
 * `{ sign, name }`; the entries inside a property are not among them.
 */
export function signedProperties(lines: string[]): { sign: "+" | "-" | "~"; name: string }[] {
  const properties = lines
    .map((line) => /^(\s*)(?:([-+~]) )?(\w+)\s*: /.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ column: match[0].indexOf(match[3]!), sign: match[2] as "+" | "-" | "~" | undefined, name: match[3]! }));
  const topColumn = Math.min(...properties.map((p) => p.column));
  return properties.filter((p) => p.column === topColumn && p.sign !== undefined).map(({ sign, name }) => ({ sign: sign!, name }));
}
