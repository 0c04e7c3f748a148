import { BCRYPT_COST, generateSecret, hashPassword, passwordProblem, safeEqual, VerifiedPasswords, verifyPassword } from './password';

describe('passwordProblem (Harbor’s rule)', () => {
  const pad = (length: number) => 'Aa1' + 'x'.repeat(length - 3);

  it.each([
    ['8 characters', 'Abcdefg1'],
    ['128 characters', pad(128)],
    ['digits and symbols around the classes', '1234567aB!'],
    ['non-ASCII characters besides the classes', 'Äpfel-und-Birnen9A'],
    ['spaces', 'Pass word 1'],
  ])('accepts %s', (_label, password) => {
    expect(passwordProblem(password)).toBeUndefined();
  });

  it.each([
    ['7 characters', 'Abcdef1', /8 to 128/],
    ['129 characters', pad(129), /8 to 128/],
    ['an empty password', '', /8 to 128/],
    ['no upper-case letter', 'abcdefg1', /upper-case/],
    ['no lower-case letter', 'ABCDEFG1', /lower-case/],
    ['no digit', 'Abcdefgh', /digit/],
    ['only non-ASCII letters for the classes', 'ÄÖÜäöüß1', /upper-case/],
  ])('refuses %s', (_label, password, reason) => {
    expect(passwordProblem(password)).toMatch(reason);
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 12345678, ['Abcdefg1']]) expect(passwordProblem(value as unknown as string)).toMatch(/string/);
  });
});

describe('hashPassword / verifyPassword', () => {
  it('hashes with bcrypt at the configured cost, salted', async () => {
    const a = await hashPassword('Harbor12345');
    const b = await hashPassword('Harbor12345');
    expect(a).toMatch(new RegExp(`^\\$2[aby]\\$${BCRYPT_COST}\\$.{53}$`));
    expect(a).not.toBe(b);
    expect(a).not.toContain('Harbor12345');
  });

  it('verifies the right password only', async () => {
    const hash = await hashPassword('Harbor12345');
    expect(await verifyPassword('Harbor12345', hash)).toBe(true);
    expect(await verifyPassword('harbor12345', hash)).toBe(false);
    expect(await verifyPassword('Harbor12345 ', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('returns false for a missing or broken hash, never throws', async () => {
    for (const hash of [undefined, null, '', 'not-a-bcrypt-hash', '$2b$10$short']) {
      await expect(verifyPassword('Harbor12345', hash)).resolves.toBe(false);
    }
  });

  it('leaves the event loop free while checking (the work runs on other threads)', async () => {
    const hash = await hashPassword('Harbor12345');
    await verifyPassword('warm-up', hash);
    const before = performance.eventLoopUtilization();
    const results = await Promise.all([hash, hash, hash, undefined].map((h) => verifyPassword('Harbor12345', h)));
    const used = performance.eventLoopUtilization(before);
    expect(results).toEqual([true, true, true, false]);
    // bcrypt on the event loop keeps it busy throughout (utilization near 1).
    expect(used.utilization).toBeLessThan(0.5);
  });

  it('spends about as long on a missing hash as on a real one', async () => {
    const hash = await hashPassword('Harbor12345');
    await verifyPassword('warm-up', undefined);
    const time = async (fn: () => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const real = await time(() => verifyPassword('Wrong12345', hash));
    const missing = await time(() => verifyPassword('Wrong12345', undefined));
    // Loose bounds: the point is that a missing user is not answered instantly.
    expect(missing).toBeGreaterThan(real / 4);
  });
});

describe('safeEqual', () => {
  it('compares exactly', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('secret', 'Secret')).toBe(false);
    expect(safeEqual('secret', 'secret ')).toBe(false);
    expect(safeEqual('secret', '')).toBe(false);
    expect(safeEqual('a'.repeat(1000), 'a'.repeat(999))).toBe(false);
    expect(safeEqual('é', 'e\u0301')).toBe(false);
  });
});

describe('generateSecret', () => {
  it('satisfies the password rule every time and never repeats', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const secret = generateSecret();
      expect(secret).toHaveLength(32);
      expect(secret).toMatch(/^[A-Za-z0-9]+$/);
      expect(passwordProblem(secret)).toBeUndefined();
      seen.add(secret);
    }
    expect(seen.size).toBe(500);
  });

  it('honours the length and keeps every class even when short', () => {
    for (let i = 0; i < 200; i++) {
      const short = generateSecret(3);
      expect(short).toHaveLength(3);
      expect(short).toMatch(/[A-Z]/);
      expect(short).toMatch(/[a-z]/);
      expect(short).toMatch(/[0-9]/);
    }
    expect(generateSecret(8)).toHaveLength(8);
    expect(passwordProblem(generateSecret(128))).toBeUndefined();
  });
});

describe('VerifiedPasswords', () => {
  const counting = () => {
    const calls: string[] = [];
    const check = async (password: string, hash: string) => {
      calls.push(password);
      return verifyPassword(password, hash);
    };
    return { calls, check };
  };

  it('checks a matching password once, then remembers the match for that hash', async () => {
    const { calls, check } = counting();
    const verified = new VerifiedPasswords(60_000, 100, check);
    const hash = await hashPassword('Harbor12345');
    expect(await verified.verify('Harbor12345', hash)).toBe(true);
    expect(await verified.verify('Harbor12345', hash)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('shares one check among concurrent requests with the same credentials', async () => {
    const { calls, check } = counting();
    const verified = new VerifiedPasswords(60_000, 100, check);
    const hash = await hashPassword('Harbor12345');
    expect(await Promise.all([1, 2, 3, 4].map(() => verified.verify('Harbor12345', hash)))).toEqual([true, true, true, true]);
    expect(calls).toHaveLength(1);
  });

  it('never remembers wrong passwords', async () => {
    const { calls, check } = counting();
    const verified = new VerifiedPasswords(60_000, 100, check);
    const hash = await hashPassword('Harbor12345');
    expect(await verified.verify('Wrong12345', hash)).toBe(false);
    expect(await verified.verify('Wrong12345', hash)).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('refuses a remembered password once the hash changes (a new password), with no invalidation', async () => {
    const verified = new VerifiedPasswords();
    const old = await hashPassword('Harbor12345');
    expect(await verified.verify('Harbor12345', old)).toBe(true);
    const renewed = await hashPassword('Renewed12345');
    expect(await verified.verify('Harbor12345', renewed)).toBe(false);
    expect(await verified.verify('Renewed12345', renewed)).toBe(true);
  });

  it('spends a full check on a missing hash and says no', async () => {
    const { calls, check } = counting();
    const verified = new VerifiedPasswords(60_000, 100, check);
    expect(await verified.verify('Harbor12345', undefined)).toBe(false);
    expect(await verified.verify('Harbor12345', null)).toBe(false);
    expect(calls).toHaveLength(0);
  });

  it('forgets matches after their time', async () => {
    const { calls, check } = counting();
    const verified = new VerifiedPasswords(50, 100, check);
    const hash = await hashPassword('Harbor12345');
    await verified.verify('Harbor12345', hash);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await verified.verify('Harbor12345', hash);
    expect(calls).toHaveLength(2);
  });
});
