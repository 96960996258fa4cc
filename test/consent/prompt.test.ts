import { describe, expect, it } from "vitest";
import { Visitor } from "../helpers";

describe("scratch", () => {
	it("DE + GPC", async () => {
		const v = new Visitor({ country: "DE" });
		const a = await (await v.fetch("/v1/consent", { headers: { "Sec-GPC": "1" } })).json<{
			prompt: boolean;
		}>();
		const b = await (await v.fetch("/v1/consent", { headers: { "Sec-GPC": "1" } })).json<{
			prompt: boolean;
		}>();
		const c = await (await v.fetch("/v1/consent", { headers: { "Sec-GPC": "1" } })).json<{
			prompt: boolean;
		}>();
		console.log(a.prompt, b.prompt, c.prompt);
		expect(1).toBe(1);
	});
});
