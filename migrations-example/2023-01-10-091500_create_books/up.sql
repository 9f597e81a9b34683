CREATE TABLE books (
    id           serial PRIMARY KEY,
    author_id    integer NOT NULL REFERENCES authors (id),
    title        text NOT NULL,
    isbn         varchar(13),
    price_cents  integer NOT NULL,
    published_on date,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX books_author_id_idx ON books (author_id);

COMMENT ON COLUMN books.price_cents IS 'Retail price in euro cents, VAT included.';
