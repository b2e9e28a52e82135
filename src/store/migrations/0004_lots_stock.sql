-- Lots and stock. A source lot is born at a collection point from one
-- household's delivery; a packed lot is made at the origin warehouse from many
-- source lots. Stock is held per lot and location in grams; a packed lot's
-- units are qty_g / skus.net_g. The CHECKs are the last line of defence:
-- stock and reservations can never go negative or exceed what is there.
-- Every change of stock is a row in stock_moves (the journal).

CREATE TABLE lots (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,            -- short code printed on labels and in QR
  kind TEXT NOT NULL CHECK (kind IN ('source','packed')),
  product_id BIGINT NOT NULL REFERENCES products(id),
  grade_id BIGINT REFERENCES grades(id),
  sku_id BIGINT REFERENCES skus(id),    -- packed lots
  household_id BIGINT REFERENCES households(id), -- source lots
  point_id BIGINT REFERENCES collection_points(id), -- source lots
  cooperative_id BIGINT REFERENCES cooperatives(id),
  harvest_date TEXT NOT NULL,           -- earliest harvest date of its sources
  packed_on TEXT,
  expires_on TEXT NOT NULL,
  initial_g BIGINT NOT NULL CHECK (initial_g >= 0),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','consumed','void')),
  mass_flag TEXT NOT NULL DEFAULT 'ok' CHECK (mass_flag IN ('ok','open','mismatch')),
  created_at BIGINT NOT NULL
);
CREATE INDEX lots_product ON lots(product_id, kind);

-- The trace: for a packed lot, each source lot and the grams of it that went
-- in (shares split by largest remainder so they add up to the lot).
CREATE TABLE lot_sources (
  lot_id BIGINT NOT NULL REFERENCES lots(id),
  source_lot_id BIGINT NOT NULL REFERENCES lots(id),
  share_g BIGINT NOT NULL CHECK (share_g >= 0),
  PRIMARY KEY (lot_id, source_lot_id)
);
CREATE INDEX lot_sources_source ON lot_sources(source_lot_id);

-- loc_kind: 'point' (collection point), 'warehouse', 'transit' (loc_id = the
-- transfer or line-haul carrying it).
CREATE TABLE stock (
  id {{ID}},
  lot_id BIGINT NOT NULL REFERENCES lots(id),
  loc_kind TEXT NOT NULL CHECK (loc_kind IN ('point','warehouse','transit')),
  loc_id BIGINT NOT NULL,
  qty_g BIGINT NOT NULL CHECK (qty_g >= 0),
  reserved_g BIGINT NOT NULL DEFAULT 0 CHECK (reserved_g >= 0 AND reserved_g <= qty_g),
  UNIQUE (lot_id, loc_kind, loc_id)
);
CREATE INDEX stock_loc ON stock(loc_kind, loc_id);

CREATE TABLE stock_moves (
  id {{ID}},
  at BIGINT NOT NULL,
  lot_id BIGINT NOT NULL REFERENCES lots(id),
  from_kind TEXT, from_id BIGINT,       -- NULL when stock is created
  to_kind TEXT, to_id BIGINT,           -- NULL when stock leaves (sold, lost)
  qty_g BIGINT NOT NULL CHECK (qty_g > 0),
  reason TEXT NOT NULL,                 -- collect, reverse, transfer, receive, pack_in, pack_out,
                                        -- gradeout, loss, linehaul, shortage, damage, pick, ship,
                                        -- return, stocktake, spoilage, expiry, adjust
  ref_type TEXT NOT NULL DEFAULT '',
  ref_id BIGINT,
  user_id BIGINT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX stock_moves_lot ON stock_moves(lot_id);
