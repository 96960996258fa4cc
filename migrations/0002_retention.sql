CREATE TABLE `retention_purges` (
	`id` text PRIMARY KEY NOT NULL,
	`ran_at` integer NOT NULL,
	`cutoff` integer NOT NULL,
	`records_deleted` integer NOT NULL,
	`idempotency_keys_deleted` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consent_subjects_last_record_id` ON `consent_subjects` (`last_record_id`);