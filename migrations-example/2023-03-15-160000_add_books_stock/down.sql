ALTER TABLE books DROP CONSTRAINT books_stock_check;
ALTER TABLE books DROP COLUMN stock;
