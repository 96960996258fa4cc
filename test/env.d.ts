declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
		DB_SHARD_1: D1Database;
		/** Never migrated by the setup file: for tests that apply migrations themselves. */
		DB_UNMIGRATED: D1Database;
	}
}
