-- Consolidated line-haul (统仓共配) origin -> sales warehouse, and fulfilment:
-- parcels with carrier tracking numbers, delivery confirmations, refunds and
-- returns. Every line-haul and parcel records its cost, so cost per kg by
-- route type is a query.

CREATE TABLE linehauls (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  from_warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  to_warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  truck_type TEXT NOT NULL DEFAULT '',
  plate TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('loading','dispatched','received')),
  cost_fen BIGINT NOT NULL DEFAULT 0 CHECK (cost_fen >= 0),
  dispatched_at BIGINT,
  received_at BIGINT,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);

CREATE TABLE linehaul_lines (
  linehaul_id BIGINT NOT NULL REFERENCES linehauls(id),
  lot_id BIGINT NOT NULL REFERENCES lots(id),
  loaded_g BIGINT NOT NULL CHECK (loaded_g > 0),
  received_g BIGINT,
  shortage_g BIGINT NOT NULL DEFAULT 0,
  damaged_g BIGINT NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (linehaul_id, lot_id)
);

CREATE TABLE parcels (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  order_id BIGINT NOT NULL REFERENCES orders(id),
  warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  route TEXT NOT NULL CHECK (route IN ('sales_warehouse','origin_parcel')),
  carrier TEXT NOT NULL DEFAULT '',
  tracking_no TEXT,
  weight_g BIGINT NOT NULL DEFAULT 0,
  cost_fen BIGINT NOT NULL DEFAULT 0 CHECK (cost_fen >= 0),
  status TEXT NOT NULL CHECK (status IN ('picking','packed','shipped','delivered','returned','cancelled')),
  shipped_at BIGINT,
  delivered_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX parcels_tracking ON parcels(carrier, tracking_no);

CREATE TABLE parcel_lines (
  parcel_id BIGINT NOT NULL REFERENCES parcels(id),
  allocation_id BIGINT NOT NULL REFERENCES allocations(id),
  PRIMARY KEY (parcel_id, allocation_id)
);

CREATE TABLE refunds (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  order_id BIGINT NOT NULL REFERENCES orders(id),
  order_line_id BIGINT REFERENCES order_lines(id),
  kind TEXT NOT NULL CHECK (kind IN ('cancel','refund','return')),
  units BIGINT NOT NULL DEFAULT 0,
  amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
  restocked_g BIGINT NOT NULL DEFAULT 0,
  reason TEXT NOT NULL,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);
