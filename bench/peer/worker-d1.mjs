/**
 * c15t's backend in the same runtime as our Worker: workerd, with its database in D1 through Kysely
 * and kysely-d1, as c15t documents for Cloudflare. Built once per isolate on the first request (the
 * binding only exists then). `GET /__bench/d1-queries` answers how many D1 statements it has prepared
 * so far, so the bench can count the queries of one request.
 */
import { c15tInstance } from "@c15t/backend";
import { kyselyAdapter } from "@c15t/backend/db/adapters/kysely";
import { Kysely } from "kysely";
import { D1Dialect } from "kysely-d1";
import { C15T_OPTIONS } from "./c15t-options.mjs";

let c15t;
let d1Queries = 0;

export default {
	fetch(request, env) {
		if (request.url.endsWith("/__bench/d1-queries")) return Response.json({ d1Queries });
		if (!c15t) {
			// kysely-d1 calls only prepare(); counting there counts every statement c15t sends.
			const database = {
				prepare(sql) {
					d1Queries++;
					return env.DB.prepare(sql);
				},
			};
			const db = new Kysely({ dialect: new D1Dialect({ database }) });
			c15t = c15tInstance({ ...C15T_OPTIONS, adapter: kyselyAdapter({ db, provider: "sqlite" }) });
		}
		return c15t.handler(request);
	},
};
