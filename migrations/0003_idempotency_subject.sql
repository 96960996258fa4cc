ALTER TABLE `idempotency_keys` ADD `subject` text;--> statement-breakpoint
CREATE INDEX `idempotency_keys_subject` ON `idempotency_keys` (`subject`);