ALTER TABLE orders DROP CONSTRAINT orders_cancelled_at_check;
ALTER TABLE orders DROP COLUMN cancelled_at;
