DROP VIEW book_sales;
