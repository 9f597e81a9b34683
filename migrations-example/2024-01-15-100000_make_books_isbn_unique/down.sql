ALTER TABLE books DROP CONSTRAINT books_isbn_key;
