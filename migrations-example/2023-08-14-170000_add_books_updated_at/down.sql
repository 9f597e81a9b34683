DROP TRIGGER books_set_updated_at ON books;
ALTER TABLE books DROP COLUMN updated_at;
DROP FUNCTION set_updated_at();
