/**
 * The purposes table: the one place that says which purposes exist, what people are told about
 * them, whether Global Privacy Control opts them out, and their default per jurisdiction.
 * Defaults follow the contract: opt-in regions deny every non-essential purpose until a choice is
 * made; opt-out regions allow, with per-jurisdiction overrides (marketing email is opt-in in Japan
 * under the Act on Regulation of Transmission of Specified Electronic Mail).
 */
export type ConsentModel = "opt-in" | "opt-out";

export interface PurposeDefinition {
	readonly name: string;
	/** Always allowed; cannot be changed by anyone. */
	readonly essential?: boolean;
	/** Global Privacy Control opts this purpose out (sale, sharing, cross-context ads). */
	readonly gpc: boolean;
	/**
	 * Chosen on its own (preference centre, unsubscribe links), never by the banner's Accept all or
	 * Reject all: a click on a cookie banner is not the specific consent marketing email needs.
	 */
	readonly askedSeparately?: boolean;
	readonly defaults: Readonly<Record<ConsentModel, boolean>>;
	/** Default by jurisdiction (`JP`, `US-CA`) or country (`US`), beating the model default. */
	readonly overrides?: Readonly<Record<string, boolean>>;
	readonly label: Readonly<{ en: string; ja: string }>;
	readonly description: Readonly<{ en: string; ja: string }>;
}

export const PURPOSES: readonly PurposeDefinition[] = [
	{
		name: "essential",
		essential: true,
		gpc: false,
		defaults: { "opt-in": true, "opt-out": true },
		label: { en: "Essential", ja: "必須" },
		description: {
			en: "Needed for the site to work and stay secure, such as remembering this choice. Always on.",
			ja: "サイトの動作とセキュリティの確保に必要です（この設定の記憶など）。常に有効です。",
		},
	},
	{
		name: "analytics",
		gpc: false,
		defaults: { "opt-in": false, "opt-out": true },
		label: { en: "Analytics", ja: "アクセス解析" },
		description: {
			en: "Counting visits and measuring how the site is used, so it can be improved.",
			ja: "訪問数の計測やサイトの利用状況の分析を行い、サイトの改善に役立てます。",
		},
	},
	{
		name: "personalization",
		gpc: false,
		defaults: { "opt-in": false, "opt-out": true },
		label: { en: "Personalization", ja: "パーソナライズ" },
		description: {
			en: "Remembering preferences and tailoring content on this site to you.",
			ja: "表示の好みなどを記憶し、当サイトの内容を利用者に合わせて表示します。",
		},
	},
	{
		name: "ads",
		gpc: true,
		defaults: { "opt-in": false, "opt-out": true },
		label: { en: "Targeted advertising", ja: "ターゲティング広告" },
		description: {
			en: "Showing you ads based on your activity on other sites and apps (cross-context behavioral advertising).",
			ja: "他のサイトやアプリでの閲覧・利用の履歴に基づいて選ばれた広告を表示します（行動ターゲティング広告）。",
		},
	},
	{
		name: "sale",
		gpc: true,
		defaults: { "opt-in": false, "opt-out": true },
		label: { en: "Sale or sharing of personal information", ja: "個人情報の第三者提供（販売・共有）" },
		description: {
			en: "Selling or sharing information about you with third parties.",
			ja: "利用者に関する情報を、販売や共有により第三者に提供します。",
		},
	},
	{
		name: "email",
		gpc: false,
		askedSeparately: true,
		defaults: { "opt-in": false, "opt-out": true },
		overrides: { JP: false },
		label: { en: "Marketing email", ja: "広告・宣伝メール" },
		description: {
			en: "Newsletters and offers sent by email.",
			ja: "ニュースレターやキャンペーンのお知らせをメールでお送りします。",
		},
	},
];

export const PURPOSE_NAMES: readonly string[] = PURPOSES.map((p) => p.name);
export const NON_ESSENTIAL_PURPOSES: readonly string[] = PURPOSES.filter((p) => !p.essential).map(
	(p) => p.name,
);
/** What the banner's Accept all and Reject all answer (and the SDK's acceptAll and rejectAll). */
export const BANNER_PURPOSES: readonly string[] = PURPOSES.filter(
	(p) => !p.essential && !p.askedSeparately,
).map((p) => p.name);
export const GPC_PURPOSES: readonly string[] = PURPOSES.filter((p) => p.gpc).map((p) => p.name);

const BY_NAME = new Map(PURPOSES.map((p) => [p.name, p]));

export function purposeDefinition(name: string): PurposeDefinition | undefined {
	return BY_NAME.get(name);
}
