ALTER TABLE reviews DROP CONSTRAINT reviews_customer_id_fkey;
ALTER TABLE reviews DROP CONSTRAINT reviews_book_id_fkey;
