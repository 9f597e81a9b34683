DROP INDEX CONCURRENTLY books_title_lower_idx;
