/** The editor's gutter: for each line of the text, the problems at that line. */
export function problemsByLine(text: string, problems: { line: number; message: string }[]): { number: number; problems: string[] }[] {
  const lines = text.split("\n");
  // A problem past the end (a parse error at the last line) shows on the last line.
  const last = Math.max(1, lines.length);
  return lines.map((_, i) => ({
    number: i + 1,
    problems: problems.filter((p) => Math.min(Math.max(1, p.line), last) === i + 1).map((p) => p.message),
  }));
}

/** A new playbook's name from what the admin typed: letters, digits, - and _. */
export function playbookName(typed: string): string | null {
  const name = typed.trim().replace(/\.ya?ml$/i, "");
  return /^[A-Za-z0-9_-]{1,64}$/.test(name) ? name : null;
}
