ALTER TABLE orders ADD COLUMN cancelled_at timestamptz;

ALTER TABLE orders ADD CONSTRAINT orders_cancelled_at_check
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL));
