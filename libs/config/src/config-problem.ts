/**
 * One finding about harbor.yml: the key in dotted form (`https.certificate`,
 * `proxy.components[1]`) and why. `(yaml)` stands for the file's syntax, `(file)` for the file
 * as a whole. Line and column (1-based) point into the file when the key is in it.
 */
export interface ConfigProblem {
  key: string;
  reason: string;
  line?: number;
  column?: number;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? '' : ` (line ${p.line}:${p.column ?? 1})`;
  return `${p.key}: ${p.reason}${where}`;
}

/** harbor.yml cannot be used: `problems` lists everything wrong with it, not just the first. */
export class HarborConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[], file = 'harbor.yml') {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super([`${file} has ${count}:`, ...problems.map((p) => `  ${formatProblem(p)}`)].join('\n'));
    this.name = 'HarborConfigError';
    this.problems = problems;
  }
}
