import { Client } from 'pg';
import { answersPing, startPrivatePostgres, startPrivateRedis } from '.';

/** The private servers outage tests freeze and stop: they do what those tests rely on. */
describe('private servers for outage tests', () => {
  it('a frozen redis answers nothing, and again once thawed', async () => {
    const redis = await startPrivateRedis();
    try {
      expect(await answersPing(redis.port)).toBe(true);
      redis.freeze();
      expect(await answersPing(redis.port, 500)).toBe(false);
      redis.thaw();
      expect(await answersPing(redis.port)).toBe(true);
    } finally {
      await redis.stop();
    }
    expect(await answersPing(redis.port)).toBe(false);
  });

  it('a frozen postgresql holds queries until thawed; a stopped one refuses connections and starts again', async () => {
    const pg = await startPrivatePostgres();
    const client = new Client({ connectionString: `${pg.url}/postgres` });
    try {
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      pg.freeze();
      const held = client.query('SELECT 2 AS two');
      const outcome = await Promise.race([held.then(() => 'answered'), new Promise((r) => setTimeout(() => r('held'), 500))]);
      expect(outcome).toBe('held');
      pg.thaw();
      expect((await held).rows).toEqual([{ two: 2 }]);
      await client.end();

      await pg.stop();
      const refused = new Client({ connectionString: `${pg.url}/postgres` });
      await expect(refused.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await pg.start();
      const again = new Client({ connectionString: `${pg.url}/postgres` });
      await again.connect();
      expect((await again.query('SELECT 3 AS three')).rows).toEqual([{ three: 3 }]);
      await again.end();
    } finally {
      await pg.dispose();
    }
  });
});
