CREATE TABLE authors (
    id         serial PRIMARY KEY,
    name       text NOT NULL,
    bio        text,
    created_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE authors IS 'People who wrote at least one book we sell.';
