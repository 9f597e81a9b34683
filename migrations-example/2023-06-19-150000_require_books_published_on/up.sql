-- Books imported before March had no publication date; use the day we
-- listed them.
UPDATE books SET published_on = created_at::date WHERE published_on IS NULL;

ALTER TABLE books ALTER COLUMN published_on SET NOT NULL;
