ALTER TABLE books ALTER COLUMN price_cents TYPE integer;
