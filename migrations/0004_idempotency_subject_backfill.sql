-- Answers stored before 0003 have no subject. A 200 answer is a decision document naming its
-- subject, so erasure and export find it too; a form post's 303 answer names none and expires
-- within 24 hours. CASE, not AND, keeps json_extract away from a body that is not JSON.
UPDATE `idempotency_keys`
SET `subject` = CASE WHEN json_valid(`body`) THEN json_extract(`body`, '$.subject') END
WHERE `subject` IS NULL AND `status` = 200;
