CREATE TABLE order_items (
    order_id         bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    book_id          integer NOT NULL REFERENCES books (id),
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_cents integer NOT NULL,
    PRIMARY KEY (order_id, book_id)
);

CREATE INDEX order_items_book_id_idx ON order_items (book_id);
