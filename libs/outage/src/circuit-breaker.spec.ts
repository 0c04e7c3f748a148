import { CircuitBreaker, CircuitOpenError } from './circuit-breaker';

describe('CircuitBreaker', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const failing = () => Promise.reject(new Error('Command timed out'));

  it('runs the work while closed and passes its result and errors through', async () => {
    const breaker = new CircuitBreaker({ name: 'redis', openMs: 5_000 });
    await expect(breaker.run(async () => 42)).resolves.toBe(42);
    await expect(breaker.run(failing)).rejects.toThrow('Command timed out');
  });

  it('after a failure skips the work for openMs, telling why once', async () => {
    const opened: unknown[] = [];
    const breaker = new CircuitBreaker({ name: 'redis', openMs: 5_000, onOpen: (err) => opened.push(err) });
    await expect(breaker.run(failing)).rejects.toThrow('Command timed out');
    let ran = 0;
    await expect(breaker.run(async () => ++ran)).rejects.toBeInstanceOf(CircuitOpenError);
    jest.advanceTimersByTime(4_999);
    await expect(breaker.run(async () => ++ran)).rejects.toThrow('redis is skipped after a recent failure');
    expect(ran).toBe(0);
    expect(breaker.closed).toBe(false);
    expect(opened).toHaveLength(1);
  });

  it('then lets one probe through while the others still skip; a good probe closes the circuit', async () => {
    const breaker = new CircuitBreaker({ name: 'redis', openMs: 5_000 });
    await breaker.run(failing).catch(() => undefined);
    jest.advanceTimersByTime(5_000);
    let answer!: (v: string) => void;
    const probe = breaker.run(() => new Promise<string>((resolve) => (answer = resolve)));
    await expect(breaker.run(async () => 'other')).rejects.toBeInstanceOf(CircuitOpenError);
    answer('pong');
    await expect(probe).resolves.toBe('pong');
    expect(breaker.closed).toBe(true);
    await expect(breaker.run(async () => 'other')).resolves.toBe('other');
  });

  it('a failed probe opens the circuit for another openMs', async () => {
    const breaker = new CircuitBreaker({ name: 'redis', openMs: 5_000 });
    await breaker.run(failing).catch(() => undefined);
    jest.advanceTimersByTime(5_000);
    await expect(breaker.run(failing)).rejects.toThrow('Command timed out');
    jest.advanceTimersByTime(4_000);
    await expect(breaker.run(async () => 1)).rejects.toBeInstanceOf(CircuitOpenError);
    jest.advanceTimersByTime(1_000);
    await expect(breaker.run(async () => 1)).resolves.toBe(1);
  });
});
