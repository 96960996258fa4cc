CREATE TABLE `email_hash_aliases` (
	`email_hash` text NOT NULL,
	`legacy_hash` text NOT NULL,
	PRIMARY KEY(`email_hash`, `legacy_hash`)
);
--> statement-breakpoint
CREATE INDEX `email_hash_aliases_legacy` ON `email_hash_aliases` (`legacy_hash`);