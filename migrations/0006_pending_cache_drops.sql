CREATE TABLE `pending_cache_drops` (
	`subject` text PRIMARY KEY NOT NULL,
	`erased_at` integer NOT NULL
);
