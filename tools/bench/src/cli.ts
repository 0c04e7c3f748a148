/** A progress line on stderr, tagged with the command and the time. */
export function logger(tag: string): (message: string) => void {
  return (message) => process.stderr.write(`[${tag} ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * Runs a benchmark command: `cleanUp` runs after a failure and on SIGINT/SIGTERM (once), so no
 * server or temporary tree outlives the command; `stopping` says what the signal stops.
 */
export function runCommand(main: () => Promise<void>, cleanUp: () => Promise<void>, log: (message: string) => void, stopping: string): void {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: ${stopping}`);
      cleanUp().finally(() => process.exit(130));
    });
  }
  main().catch(async (err: Error) => {
    log(`failed: ${err.stack ?? err.message}`);
    await cleanUp();
    process.exitCode = 1;
  });
}
