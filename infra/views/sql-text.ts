/**
 * Small builders for Athena (Trino) SQL text: quoted names, string literals,
 * JSON paths and a JSON string encoder written in plain string functions.
 */

/** A double-quoted identifier, so reserved words and any name are safe. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted string literal (Trino strings have no backslash escapes). */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const PLAIN_PATH_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Trino's JSON path brackets have no escape for these, so such names cannot be addressed.
const UNADDRESSABLE = /["\\\u0000-\u001f]/;

/**
 * A JSON path to a nested member, e.g. ["pk", "S"] → $.pk.S, ["user-id", "S"] →
 * $["user-id"]["S"]. Throws for names a path cannot express.
 */
export function jsonPath(names: readonly string[]): string {
  const useBrackets = names.some((name) => !PLAIN_PATH_NAME.test(name));
  return `$${names
    .map((name) => {
      if (UNADDRESSABLE.test(name)) {
        throw new Error(`attribute name ${JSON.stringify(name)} cannot be read with an Athena JSON path (it holds '"', '\\' or a control character); rename it or leave it out of the key schema and declared columns`);
      }
      return useBrackets ? `["${name}"]` : `.${name}`;
    })
    .join("")}`;
}

/** `json_extract_scalar(<document>, '<path>')`: the scalar at the path as varchar, NULL when absent or not a scalar. */
export function jsonScalar(document: string, names: readonly string[]): string {
  return `json_extract_scalar(${document}, ${sqlString(jsonPath(names))})`;
}

/** The same JSON text JavaScript's JSON.stringify and Python's json.dumps(ensure_ascii=False) give for a string. */
export function jsonStringText(value: string): string {
  return JSON.stringify(value);
}

/** Control characters JSON writes with a short escape; the rest of U+0000–U+001F become \u00xx. */
const SHORT_ESCAPES: ReadonlyMap<number, string> = new Map([
  [8, "\\b"],
  [9, "\\t"],
  [10, "\\n"],
  [12, "\\f"],
  [13, "\\r"],
]);

/**
 * SQL that encodes the varchar `expr` as a JSON string literal, byte for byte as
 * jsonStringText does: backslash and quote escaped first (the later escapes add
 * backslashes), then every control character. Non-ASCII stays as it is.
 */
export function sqlJsonQuote(expr: string, indent: string): string {
  const steps: [string, string][] = [
    [sqlString("\\"), sqlString("\\\\")],
    [sqlString('"'), sqlString('\\"')],
  ];
  for (let code = 0; code < 0x20; code += 1) {
    steps.push([`chr(${code})`, sqlString(SHORT_ESCAPES.get(code) ?? `\\u${code.toString(16).padStart(4, "0")}`)]);
  }
  // One replace per line keeps the generated SQL readable: the innermost (first) step is on the first line.
  const lines = steps.map(([from, to]) => `${indent}, ${from}, ${to})`);
  return [`'"' || ${"replace(".repeat(steps.length)}${expr}`, ...lines, `${indent}|| '"'`].join("\n");
}
