-- The payments service sends amounts as bigint cents; match it.
ALTER TABLE books ALTER COLUMN price_cents TYPE bigint;
