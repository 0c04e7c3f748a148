export { createTestDatabase, TEST_PG_BASE } from './test-database';
export type { TestDatabase } from './test-database';
