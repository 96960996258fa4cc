/**
 * Stands in for drizzle-orm/tracing.js where drizzle's SQL builder (drizzle-orm/sql/sql.js) imports
 * it, by wrangler.toml's `[alias]`. drizzle's tracer wraps the building of a statement's text in an
 * OpenTelemetry span only once its module's `otel` is set, and nothing in drizzle sets it: every call
 * runs the function as it is, as this one does. Its span code, drizzle's version string and its
 * helper came along for nothing (test/browser/bundle-inputs.test.ts checks drizzle still never sets it).
 */
export const tracer = {
	startActiveSpan<T>(_name: string, fn: (span?: undefined) => T): T {
		return fn();
	},
};
