CREATE TABLE customers (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email             text NOT NULL,
    full_name         text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    newsletter_opt_in boolean NOT NULL DEFAULT false,
    CONSTRAINT customers_email_key UNIQUE (email)
);
