-- PostgreSQL cannot remove a value from an enum: rebuild the type without it.
UPDATE orders SET status = 'pending' WHERE status = 'cancelled';

ALTER TYPE order_status RENAME TO order_status_old;
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');

ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::text::order_status;
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'pending';

DROP TYPE order_status_old;
