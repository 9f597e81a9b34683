ALTER TABLE customers ADD COLUMN newsletter_opt_in boolean NOT NULL DEFAULT false;
