/**
 * Reading the YAML text of a members file: the document as plain data, and the line each
 * entry starts on, so that every problem names its line. Loads the YAML parser only when a
 * file is read.
 */
import type * as Yaml from "yaml";
import { MembersFileError } from "../core/errors";
import type { Segments } from "./validate";

/** A parsed file: its data, and the 1-based line where the entry at a path starts. */
export interface ParsedYaml {
  value: unknown;
  lineOf: (segments: Segments) => number | undefined;
}

/** Parses YAML `text`; a syntax error is a {@link MembersFileError} naming `fileName` and the line. */
export function parseYaml(text: string, fileName: string): ParsedYaml {
  // Required here, not at the top: programs that never read a members file load no YAML parser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when used
  const yaml = require("yaml") as typeof Yaml;
  const lineCounter = new yaml.LineCounter();
  const document = yaml.parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new MembersFileError(
      fileName,
      document.errors.map((error) => ({
        path: "",
        line: lineCounter.linePos(error.pos[0]).line,
        message: `not valid YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    );
  }
  const lineOf = (segments: Segments): number | undefined => {
    const offset = nodeStart(yaml, document.contents, segments);
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  return { value: document.toJS({ maxAliasCount: 100 }), lineOf };
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
