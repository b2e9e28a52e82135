-- Orders (云仓集单). An order is identified by its channel and the channel's
-- order number; body_hash detects a different body resent under the same
-- number. Each line is allocated, whole, to one warehouse with the reason
-- recorded; allocations reserve grams of specific lots (stock.reserved_g).

CREATE TABLE orders (
  id {{ID}},
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  channel_order_no TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  ordered_at BIGINT NOT NULL,
  ordered_on TEXT NOT NULL,             -- Asia/Shanghai date, for figures
  status TEXT NOT NULL CHECK (status IN ('allocated','backorder','picking','shipped','delivered','cancelled','returned','partial')),
  total_fen BIGINT NOT NULL,
  import_id BIGINT,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  UNIQUE (channel_id, channel_order_no)
);
CREATE INDEX orders_day ON orders(ordered_on);

CREATE TABLE order_lines (
  id {{ID}},
  order_id BIGINT NOT NULL REFERENCES orders(id),
  line_no INTEGER NOT NULL,
  sku_id BIGINT NOT NULL REFERENCES skus(id),
  units BIGINT NOT NULL CHECK (units > 0),
  unit_price_fen BIGINT NOT NULL CHECK (unit_price_fen >= 0),
  amount_fen BIGINT NOT NULL,
  warehouse_id BIGINT REFERENCES warehouses(id),
  route TEXT CHECK (route IN ('sales_warehouse','origin_parcel')),
  alloc_reason TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('allocated','backorder','picked','shipped','delivered','cancelled','returned')),
  returned_units BIGINT NOT NULL DEFAULT 0,
  UNIQUE (order_id, line_no)
);

CREATE TABLE allocations (
  id {{ID}},
  order_line_id BIGINT NOT NULL REFERENCES order_lines(id),
  lot_id BIGINT NOT NULL REFERENCES lots(id),
  warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  qty_g BIGINT NOT NULL CHECK (qty_g > 0),
  state TEXT NOT NULL CHECK (state IN ('reserved','picked','shipped','released'))
);
CREATE INDEX allocations_line ON allocations(order_line_id);

CREATE TABLE imports (
  id {{ID}},
  filename TEXT NOT NULL,
  channel_id BIGINT REFERENCES channels(id),
  rows_total INTEGER NOT NULL,
  orders_created INTEGER NOT NULL,
  orders_unchanged INTEGER NOT NULL,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);
