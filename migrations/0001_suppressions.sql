CREATE TABLE `email_suppressions` (
	`email_hash` text NOT NULL,
	`list` text NOT NULL,
	`created_at` integer NOT NULL,
	`source` text NOT NULL,
	PRIMARY KEY(`email_hash`, `list`)
);
