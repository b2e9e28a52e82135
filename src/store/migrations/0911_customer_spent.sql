-- What a customer spent is what was sold to it: the lines stock was promised
-- to (not cancelled, not on backorder), less the money given back on them,
-- the rule of the sales figure (src/app/figures.c, docs/FIGURES.md). The
-- view used to carry the order's total, so a backordered order counted as
-- spent. Same columns as 0601 plus spent_fen, per order.

DROP VIEW customer_orders;

CREATE VIEW customer_orders AS
SELECT t.order_id, t.channel_id, t.consignee_id, t.ordered_at, t.ordered_on, t.status,
       t.total_fen,
       CASE WHEN t.status = 'cancelled' THEN 0 ELSE
         (SELECT COALESCE(SUM(ol.amount_fen), 0) FROM order_lines ol
           WHERE ol.order_id = t.order_id AND ol.status NOT IN ('cancelled', 'backorder'))
         - (SELECT COALESCE(SUM(r.amount_fen), 0) FROM refunds r
              LEFT JOIN order_lines rl ON rl.id = r.order_line_id
             WHERE r.order_id = t.order_id AND r.kind <> 'cancel'
               AND (rl.id IS NULL OR rl.status <> 'backorder')
               AND (r.order_line_id IS NOT NULL OR t.status <> 'backorder'))
       END AS spent_fen,
       CASE WHEN t.p = '' THEN 'n:' || t.name || '|' || t.address
            WHEN length(t.p) = 13 AND substr(t.p, 1, 2) = '86' THEN 'p:' || substr(t.p, 3)
            ELSE 'p:' || t.p END AS customer_key
FROM (SELECT o.id AS order_id, o.channel_id, cu.id AS consignee_id, o.ordered_at,
             o.ordered_on, o.status, o.total_fen, cu.name, cu.address,
             REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(COALESCE(cu.phone, ''), ' ', ''), '-', ''),
                     '(', ''), ')', ''), '+', '') AS p
      FROM orders o JOIN customers cu ON cu.id = o.customer_id) t;
