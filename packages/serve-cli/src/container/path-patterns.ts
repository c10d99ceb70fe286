/**
 * A matcher for `.dockerignore`-style patterns, as Docker reads them: each
 * pattern is anchored at the project root (`*.log` is a root-level file; use
 * `**\/*.log` for every depth), `**` spans any number of folders, a pattern
 * that matches a folder matches everything in it, `!` re-includes, and the
 * last pattern that matches a path decides. npm's `files` entries read the
 * same way (anchored, a folder includes its contents), so they use it too.
 * (Written here rather than taken from @balena/dockerignore, which throws on
 * a pattern such as `c++` and misses literal `+` and `(`.)
 *
 * @example
 * const ignored = pathPatterns(["**\/*.log", "docs", "!docs/api.md"]);
 * ignored("src/a.log");    // true
 * ignored("docs/guide.md"); // true
 * ignored("docs/api.md");   // false
 */
export function pathPatterns(patterns: readonly string[]): (path: string) => boolean {
  const rules = patterns
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const negated = line.startsWith("!");
      const pattern = cleanPattern(negated ? line.slice(1) : line);
      return { negated, regexp: toRegExp(pattern) };
    })
    .filter((rule) => rule.regexp !== undefined);
  return (path) => {
    const prefixes = pathAndParents(path);
    let matched = false;
    for (const rule of rules) {
      if (prefixes.some((prefix) => rule.regexp!.test(prefix))) matched = !rule.negated;
    }
    return matched;
  };
}

/** The lines of a `.dockerignore` (or similar) file, ready for {@link pathPatterns}. */
export function patternLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** Leading `/` and `./`, trailing `/` and `.` segments go, as Docker's filepath.Clean does. */
function cleanPattern(pattern: string): string {
  const segments: string[] = [];
  for (const segment of pattern.trim().split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === ".." && segments.length > 0 && segments.at(-1) !== "..") segments.pop();
    else segments.push(segment);
  }
  return segments.join("/");
}

/** "a/b/c" → ["a", "a/b", "a/b/c"]: a pattern matching a folder matches what is inside it. */
function pathAndParents(path: string): string[] {
  const segments = path.split("/").filter((segment) => segment !== "");
  return segments.map((_, index) => segments.slice(0, index + 1).join("/"));
}

function toRegExp(pattern: string): RegExp | undefined {
  if (pattern === "") return undefined;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "*" && pattern[i + 1] === "*") {
      i++;
      if (pattern[i + 1] === "/") {
        i++;
        source += "(?:.*/)?";
      } else {
        source += ".*";
      }
    } else if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else if (char === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) {
        source += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
      if (body.startsWith("!") || body.startsWith("^")) body = `^${body.slice(1)}`;
      source += `[${body}]`;
      i = end;
    } else if (char === "\\" && i + 1 < pattern.length) {
      i++;
      source += escapeRegExp(pattern[i]!);
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
