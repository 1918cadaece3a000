/**
 * The one place this package reads the environment. TEST_DATABASE_URL names
 * a PostgreSQL server (an admin connection, `postgres://postgres@127.0.0.1:5432/test`)
 * on which each test file gets a fresh database of its own.
 */
export function testDatabaseUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  return url ? url : undefined;
}
