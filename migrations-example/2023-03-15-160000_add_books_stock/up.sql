ALTER TABLE books ADD COLUMN stock integer NOT NULL DEFAULT 0;
ALTER TABLE books ADD CONSTRAINT books_stock_check CHECK (stock >= 0);

COMMENT ON COLUMN books.stock IS 'Copies on the shelf in the warehouse.';
