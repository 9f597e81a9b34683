CREATE VIEW book_sales AS
SELECT b.id                                  AS book_id,
       b.title,
       sum(oi.quantity)                      AS copies_sold,
       sum(oi.quantity * oi.unit_price_cents) AS revenue_cents
FROM books b
JOIN order_items oi ON oi.book_id = b.id
JOIN orders o ON o.id = oi.order_id
WHERE o.status IN ('paid', 'shipped')
GROUP BY b.id, b.title;

COMMENT ON VIEW book_sales IS 'Copies sold and revenue per book, paid or shipped orders only.';
