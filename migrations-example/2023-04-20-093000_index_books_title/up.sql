CREATE INDEX CONCURRENTLY books_title_lower_idx ON books (lower(title));
