-- A record continues its subject's chain: its previous_record_id is the subject's last_record_id
-- (NULL when nothing is stored). A writer reads the state, then commits its record and the new state
-- in one batch; an erasure in between deletes the chain, and without this check the batch would
-- write the erased choices back after the erasure was answered. Refused, the batch rolls back whole
-- and the writer reads the state again (consent-repository.ts). One statement in the body, no CASE:
-- wrangler's splitter keeps such a trigger whole.
CREATE TRIGGER `consent_records_continue_chain` BEFORE INSERT ON `consent_records`
WHEN NEW.`previous_record_id` IS NOT (SELECT `last_record_id` FROM `consent_subjects` WHERE `subject` = NEW.`subject`)
BEGIN
	SELECT RAISE(ABORT, 'consent_records: stale previous_record_id');
END;
