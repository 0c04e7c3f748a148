/**
 * Runs `step` until `done` accepts its result, at most `attempts` times, and returns the last
 * result. For caches that fill on a later lookup: the first lookup of a key only marks it as found,
 * and a change notification still on its way may drop that mark once.
 */
export async function repeatUntil<T>(step: () => Promise<T>, done: (value: T) => boolean, attempts = 5): Promise<T> {
  let value = await step();
  for (let i = 1; i < attempts && !done(value); i++) value = await step();
  return value;
}
