/**
 * c15t's database as both peer setups start: SQLite in memory through Kysely and better-sqlite3, the
 * schema from c15t's own migrator plus the two indexes its lookups need (the stock schema has none:
 * consent by subject, subject by external id), and `subjects` subjects, each with one cookie_banner
 * consent. server.mjs serves it from Node; d1-seed.mjs copies it into the workerd peer's D1.
 */
import { c15tInstance } from "@c15t/backend";
import { kyselyAdapter } from "@c15t/backend/db/adapters/kysely";
import { migrator } from "@c15t/backend/db/migrator";
import { DB } from "@c15t/backend/db/schema";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { C15T_OPTIONS } from "./c15t-options.mjs";
import { peerExternalId, peerSubjectId } from "./subjects.mjs";

/** @returns {Promise<{ sqlite: import("better-sqlite3").Database, c15t: ReturnType<typeof c15tInstance> }>} */
export async function seededC15t(subjects) {
	const sqlite = new Database(":memory:");
	const db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
	const adapter = kyselyAdapter({ db, provider: "sqlite" });
	await (await migrator({ db: DB.client(adapter), schema: "latest" })).execute();
	sqlite.exec('CREATE INDEX "consent_subjectId" ON "consent" ("subjectId")');
	sqlite.exec('CREATE INDEX "subject_externalId" ON "subject" ("externalId")');

	const c15t = c15tInstance({ ...C15T_OPTIONS, adapter });

	// The first subject goes through c15t's own API, which creates the domain, policy and purposes.
	const first = await c15t.handler(
		new Request("http://localhost/subjects", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				type: "cookie_banner",
				subjectId: peerSubjectId(0),
				domain: "news.example",
				preferences: { necessary: true, measurement: true, marketing: false },
				givenAt: Date.now(),
				externalSubjectId: peerExternalId(0),
			}),
		}),
	);
	if (!first.ok) throw new Error(`seeding c15t failed: ${first.status} ${await first.text()}`);

	// The rest are copies of its rows with their own ids, written straight into SQLite.
	const consent = sqlite.prepare('SELECT * FROM "consent" LIMIT 1').get();
	const subject = sqlite.prepare('SELECT * FROM "subject" LIMIT 1').get();
	const insertSubject = sqlite.prepare(
		'INSERT INTO "subject" ("id", "externalId", "identityProvider", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)',
	);
	const insertConsent = sqlite.prepare(
		'INSERT INTO "consent" ("id", "subjectId", "domainId", "policyId", "purposeIds", "givenAt", "jurisdiction") VALUES (?, ?, ?, ?, ?, ?, ?)',
	);
	sqlite.transaction(() => {
		for (let i = 1; i < subjects; i++) {
			const id = peerSubjectId(i);
			insertSubject.run(
				id,
				peerExternalId(i),
				subject.identityProvider,
				subject.createdAt,
				subject.updatedAt,
			);
			insertConsent.run(
				`cns_bench${i}`,
				id,
				consent.domainId,
				consent.policyId,
				consent.purposeIds,
				consent.givenAt,
				consent.jurisdiction,
			);
		}
	})();
	return { sqlite, c15t };
}
