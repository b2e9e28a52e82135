-- Customers (顾客) as the channels know them. An order stores its consignee
-- as one customers row per order (name, phone, address, division), so the
-- same buyer appears once per order. A customer is identified within its
-- channel: by the phone with spaces, dashes, brackets, '+' and a leading
-- country code 86 removed, or, without a phone, by the exact name and
-- address. This view gives every order that key; GET /api/v1/customers
-- groups it. Derived, not stored: ingestion writes nothing more, and a
-- customer's id is the lowest customers.id of the group, so it is stable.

CREATE VIEW customer_orders AS
SELECT t.order_id, t.channel_id, t.consignee_id, t.ordered_at, t.ordered_on, t.status,
       t.total_fen,
       CASE WHEN t.p = '' THEN 'n:' || t.name || '|' || t.address
            WHEN length(t.p) = 13 AND substr(t.p, 1, 2) = '86' THEN 'p:' || substr(t.p, 3)
            ELSE 'p:' || t.p END AS customer_key
FROM (SELECT o.id AS order_id, o.channel_id, cu.id AS consignee_id, o.ordered_at,
             o.ordered_on, o.status, o.total_fen, cu.name, cu.address,
             REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(COALESCE(cu.phone, ''), ' ', ''), '-', ''),
                     '(', ''), ')', ''), '+', '') AS p
      FROM orders o JOIN customers cu ON cu.id = o.customer_id) t;
