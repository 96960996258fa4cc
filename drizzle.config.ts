import { defineConfig } from "drizzle-kit";

// Only `generate` is used: migrations are applied with `wrangler d1 migrations apply`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./workers/storage/drizzle-kit-schema.ts",
	out: "./migrations",
});
