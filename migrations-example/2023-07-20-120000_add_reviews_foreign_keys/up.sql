ALTER TABLE reviews
    ADD CONSTRAINT reviews_book_id_fkey FOREIGN KEY (book_id) REFERENCES books (id);

ALTER TABLE reviews
    ADD CONSTRAINT reviews_customer_id_fkey FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE;
