/**
 * Reading the YAML text of a members file: the document as plain data, and the line each
 * entry starts on, so that every problem names its line. Loads the YAML parser only when a
 * file is read.
 *
 * A members file comes from a pull request, so what a hostile or mistaken one can cost is
 * bounded before the YAML library does any work it cannot bound itself: the size, the
 * nesting (its composer recurses once per level), the expansion of aliases, and repeated
 * keys (found here in one pass: the library's own check compares every key with every
 * other). Each limit is explained in the file's terms, never in the library's.
 */
import type * as Yaml from "yaml";
import { MembersFileError, type MembersFileProblem } from "../core/errors";
import { formatPath, type Segments } from "./validate";

/** What a members file may cost. A file for 10,000 users across a few workspaces is about 200 KB and 5 levels deep. */
export const MEMBERS_FILE_LIMITS = Object.freeze({
  /** Bytes of UTF-8: about 40,000 user ids. */
  bytes: 1024 * 1024,
  /** Lists and mappings inside one another. */
  depth: 20,
  /** How much aliases may copy, as the YAML library counts it (its `maxAliasCount`). */
  aliasExpansion: 100,
});

/** A parsed file: its data, and the 1-based line where the entry at a path starts. */
export interface ParsedYaml {
  value: unknown;
  lineOf: (segments: Segments) => number | undefined;
}

/** Parses YAML `text`; any problem is a {@link MembersFileError} naming `fileName` and the line. */
export function parseYaml(text: string, fileName: string): ParsedYaml {
  checkSize(Buffer.byteLength(text, "utf8"), fileName);
  // Required here, not at the top: programs that never read a members file load no YAML parser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when used
  const yaml = require("yaml") as typeof Yaml;
  const lineCounter = new yaml.LineCounter();
  const line = (offset: number): number => lineCounter.linePos(offset).line;
  const fail: (problems: MembersFileProblem[]) => never = (problems) => {
    throw new MembersFileError(fileName, problems);
  };

  const tokens = [...new yaml.Parser(lineCounter.addNewLine).parse(text)];
  const documents = tokens.filter((token) => token.type === "document");
  if (documents.length > 1) {
    fail([
      {
        path: "",
        line: line(documents[1]!.offset),
        message:
          `this "---" line starts a second YAML document (the file holds ${documents.length}): a members file is one ` +
          'document, so remove the line and keep every workspace under the one "workspaces:" key',
      },
    ]);
  }
  const tooDeep = firstTooDeep(documents[0], MEMBERS_FILE_LIMITS.depth);
  if (tooDeep !== undefined) {
    fail([
      {
        path: "",
        line: line(tooDeep),
        message:
          `lists and mappings nest more than ${MEMBERS_FILE_LIMITS.depth} deep here; a members file needs 5 at most ` +
          "(workspaces, a workspace, its workspace: block, a setting, a list)",
      },
    ]);
  }

  const composer = new yaml.Composer({ uniqueKeys: false, prettyErrors: false });
  const [document] = [...composer.compose(tokens, true, text.length)] as Yaml.Document.Parsed[];
  if (document!.errors.length > 0) {
    fail(document!.errors.map((error) => ({ path: "", line: line(error.pos[0]), message: describeYamlError(error) })));
  }
  const repeated = repeatedKeys(yaml, document!.contents, line);
  if (repeated.length > 0) fail(repeated);

  let value: unknown;
  try {
    value = document!.toJS({ maxAliasCount: MEMBERS_FILE_LIMITS.aliasExpansion });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    fail([
      {
        path: "",
        message:
          "its aliases (*name) copy more than a members file holds: write the lists out, or let fewer entries " +
          "share one anchor (&name)",
      },
    ]);
  }
  const lineOf = (segments: Segments): number | undefined => {
    const offset = nodeStart(yaml, document!.contents, segments);
    return offset === undefined ? undefined : line(offset);
  };
  return { value, lineOf };
}

/** Refuses a file over {@link MEMBERS_FILE_LIMITS}`.bytes`, before it is read or parsed. */
export function checkSize(bytes: number, fileName: string): void {
  if (bytes <= MEMBERS_FILE_LIMITS.bytes) return;
  throw new MembersFileError(fileName, [
    {
      path: "",
      message:
        `is ${(bytes / 1024 / 1024).toFixed(1)} MiB, more than a members file may be (1 MiB, about 40,000 user ids): ` +
        "check that this is the members file, or split the workspaces over several files",
    },
  ]);
}

/** A syntax error in the file's terms where the library's would mislead, else the library's own first line. */
function describeYamlError(error: Yaml.YAMLError): string {
  switch (error.code) {
    case "KEY_OVER_1024_CHARS":
      return "a key longer than 1024 characters: no workspace, user id or setting is named that long";
    case "BAD_ALIAS":
      return "an alias (*name) with no anchor (&name) before it";
    case "RESOURCE_EXHAUSTION":
      return "more than a members file can hold here";
    default:
      return `not valid YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`;
  }
}

/**
 * The offset of the first collection nested deeper than `limit` in a document's syntax
 * tree, walked without recursion so that no nesting can exhaust the stack.
 */
function firstTooDeep(document: Yaml.CST.Token | undefined, limit: number): number | undefined {
  const stack: { token: Yaml.CST.Token | undefined; depth: number }[] = [{ token: document, depth: 0 }];
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token === undefined) continue;
    if (token.type === "document") {
      stack.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection") continue;
    if (depth + 1 > limit) return token.offset;
    for (const item of token.items) {
      stack.push({ token: ("key" in item ? item.key : undefined) ?? undefined, depth: depth + 1 });
      stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * Every key repeated in a mapping, each named with its path and both lines, in one pass per
 * mapping. (The YAML library's own check compares each key with every other: a file with
 * 20,000 workspaces took it half a minute.) The nesting is bounded by then.
 */
function repeatedKeys(yaml: typeof Yaml, root: unknown, line: (offset: number) => number): MembersFileProblem[] {
  const problems: MembersFileProblem[] = [];
  const walk = (node: unknown, at: Segments): void => {
    if (yaml.isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...at, index]));
      return;
    }
    if (!yaml.isMap(node)) return;
    const firstLine = new Map<string, number | undefined>();
    for (const pair of node.items) {
      const key = yaml.isScalar(pair.key) ? String(pair.key.value) : undefined;
      const keyLine = yaml.isNode(pair.key) && pair.key.range ? line(pair.key.range[0]) : undefined;
      if (key !== undefined && firstLine.has(key)) {
        const first = firstLine.get(key);
        const where = first === undefined ? "" : ` (first at line ${first})`;
        const message =
          at.length === 1 && at[0] === "workspaces"
            ? `this workspace is declared twice${where}: keep one entry with all its users`
            : `this key is given twice${where}: keep one`;
        problems.push({ path: formatPath([...at, key]), ...(keyLine === undefined ? {} : { line: keyLine }), message });
        continue;
      }
      if (key !== undefined) firstLine.set(key, keyLine);
      walk(pair.value, key === undefined ? at : [...at, key]);
    }
  };
  walk(root, []);
  return problems;
}

/**
 * The offset where the entry at `segments` starts: a mapping entry's key (its value may
 * begin lines later), a sequence's item.
 */
function nodeStart(yaml: typeof Yaml, node: unknown, segments: Segments): number | undefined {
  let current = node;
  let start: number | undefined;
  for (const segment of segments) {
    if (yaml.isMap(current)) {
      const pair = current.items.find((item) => yaml.isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return start;
      start = (pair.key as Yaml.Scalar).range?.[0] ?? start;
      current = pair.value;
    } else if (yaml.isSeq(current) && typeof segment === "number") {
      current = current.items[segment];
      start = yaml.isNode(current) ? (current.range?.[0] ?? start) : start;
    } else {
      return start;
    }
  }
  return start;
}
