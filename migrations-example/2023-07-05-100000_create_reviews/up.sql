CREATE TABLE reviews (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    book_id     integer NOT NULL,
    customer_id bigint NOT NULL,
    rating      smallint NOT NULL,
    body        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5)
);

CREATE INDEX reviews_book_id_idx ON reviews (book_id);

COMMENT ON COLUMN reviews.rating IS 'Stars, 1 to 5.';
