-- Newsletter consent now lives in the mailing service.
ALTER TABLE customers DROP COLUMN newsletter_opt_in;
