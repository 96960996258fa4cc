CREATE TABLE `consent_records` (
	`record_id` text PRIMARY KEY NOT NULL,
	`subject` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`jurisdiction` text NOT NULL,
	`purposes` text NOT NULL,
	`changes` text NOT NULL,
	`source` text NOT NULL,
	`gpc` integer NOT NULL,
	`policy_version` text,
	`previous_record_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consent_records_subject_version` ON `consent_records` (`subject`,`version`);--> statement-breakpoint
CREATE INDEX `consent_records_created_at` ON `consent_records` (`created_at`);--> statement-breakpoint
CREATE TABLE `consent_subjects` (
	`subject` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`purposes` text NOT NULL,
	`sources` text NOT NULL,
	`policy_version` text,
	`email_hash` text,
	`last_record_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consent_subjects_email_hash` ON `consent_subjects` (`email_hash`);--> statement-breakpoint
CREATE TABLE `erasures` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_digest` text NOT NULL,
	`erased_at` integer NOT NULL,
	`opted_out` text NOT NULL,
	`record_count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `erasures_subject_digest` ON `erasures` (`subject_digest`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_at` ON `idempotency_keys` (`created_at`);