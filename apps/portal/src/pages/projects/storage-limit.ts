const FACTOR = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;

/** A quota typed as an amount and a unit, in bytes as the API takes it. */
export function storageLimitBytes(amount: number, unit: keyof typeof FACTOR): number {
  return Math.round(amount * FACTOR[unit]);
}
