/**
 * The two consent purposes a tracker can fall under. Advertising and social trackers are governed by
 * `ads`, analytics collectors and their loaders by `analytics` (CONTRACT.md, "Guard mode").
 */

export type TrackerPurpose = "ads" | "analytics";

/**
 * A site's own classification, keyed by host (`example.com`, `brand.*`), Google tag-id prefix (`G-`,
 * `GTM-ABC123`) or first-party path prefix (`/metrics`); `null` declares the match not a tracker.
 */
export type TrackerOverrides = Readonly<Record<string, TrackerPurpose | null>>;
