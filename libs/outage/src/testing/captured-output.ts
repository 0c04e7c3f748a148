export interface CapturedOutput {
  /** The lines written so far (ANSI colours removed). */
  lines(): string[];
  /** Gives stdout and stderr back. */
  stop(): void;
}

/**
 * Takes what this process writes to stdout and stderr (loggers of servers running in the test
 * process) until stop(), instead of printing it: for tests that count log lines.
 */
export function captureOutput(): CapturedOutput {
  let text = '';
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
  return {
    // eslint-disable-next-line no-control-regex
    lines: () => text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.trim() !== ''),
    stop() {
      streams.forEach((s, i) => (s.write = originals[i]));
    },
  };
}

/**
 * Checks an outage's log: `message` (the failure's fixed message) written once with its cause
 * (its repeats are summed up when the interval ends), at most `maxLines` lines all told, and no
 * stack trace.
 */
export function expectLoggedOnce(lines: string[], message: string, maxLines: number): void {
  expect(lines.filter((l) => l.includes(`] ${message}: `))).toHaveLength(1);
  expect(lines.length).toBeLessThanOrEqual(maxLines);
  expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
}
