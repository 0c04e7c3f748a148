import { asDatabaseOutage, databaseOutage, DatabaseUnavailableError } from './database-outage';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('databaseOutage', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), 'unreachable'],
    ['missing unix socket', withCode('ENOENT', 'connect ENOENT /run/postgresql/.s.PGSQL.5432'), 'unreachable'],
    ['connection failure (class 08)', withCode('08006'), 'unreachable'],
    ['admin shutdown', withCode('57P01', 'terminating connection due to administrator command'), 'unreachable'],
    ['crash shutdown', withCode('57P02'), 'unreachable'],
    ['starting up', withCode('57P03', 'the database system is starting up'), 'unreachable'],
    ['too many connections', withCode('53300'), 'unreachable'],
    ['lost connection', new Error('Connection terminated unexpectedly'), 'unreachable'],
    ['connect timeout', new Error('timeout expired'), 'unreachable'],
    ['statement timeout', withCode('57014', 'canceling statement due to statement timeout'), 'timeout'],
    ['client gave up waiting', new Error('Query read timeout'), 'timeout'],
    ['no free pooled connection in time', new Error('timeout exceeded when trying to connect'), 'timeout'],
    ['wrapped by TypeORM', Object.assign(new Error('query failed'), { driverError: withCode('57P01') }), 'unreachable'],
    ['both addresses refused', Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), { code: undefined }), 'unreachable'],
  ])('%s is an outage (%#)', (_what, err, kind) => {
    expect(databaseOutage(err)).toBe(kind);
  });

  it.each([
    ['unique violation', withCode('23505')],
    ['syntax error', withCode('42601')],
    ['deadlock', withCode('40P01')],
    ['a plain error', new Error('boom')],
    ['not an error', 'boom'],
  ])('%s is not (%#)', (_what, err) => {
    expect(databaseOutage(err)).toBeUndefined();
  });

  it('asDatabaseOutage wraps outages, keeping the cause, and leaves other errors alone', () => {
    const refused = withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
    const wrapped = asDatabaseOutage(refused) as DatabaseUnavailableError;
    expect(wrapped).toBeInstanceOf(DatabaseUnavailableError);
    expect(wrapped).toMatchObject({ kind: 'unreachable', summary: 'failed to reach postgresql', reason: 'connect ECONNREFUSED 127.0.0.1:5432', cause: refused });
    expect(asDatabaseOutage(wrapped)).toBe(wrapped);
    const unique = withCode('23505');
    expect(asDatabaseOutage(unique)).toBe(unique);
  });
});
