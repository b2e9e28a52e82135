-- Origin warehouse work: transfers of source lots from a collection point to
-- the warehouse, packing runs (many source lots in, packed lots and weighed
-- grade-outs and losses out; a run whose weights do not agree is flagged,
-- never balanced by a computed remainder), and stock adjustments (stocktake,
-- spoilage, expiry, damage), each with a reason.

CREATE TABLE transfers (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  point_id BIGINT NOT NULL REFERENCES collection_points(id),
  warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  status TEXT NOT NULL CHECK (status IN ('sent','received')),
  sent_at BIGINT NOT NULL,
  received_at BIGINT,
  created_by BIGINT REFERENCES users(id)
);

CREATE TABLE transfer_lines (
  transfer_id BIGINT NOT NULL REFERENCES transfers(id),
  lot_id BIGINT NOT NULL REFERENCES lots(id),
  sent_g BIGINT NOT NULL CHECK (sent_g > 0),
  received_g BIGINT,
  PRIMARY KEY (transfer_id, lot_id)
);

CREATE TABLE packings (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  packed_on TEXT NOT NULL,
  input_g BIGINT NOT NULL,
  output_g BIGINT NOT NULL,
  gradeout_g BIGINT NOT NULL,
  loss_g BIGINT NOT NULL,
  balanced INTEGER NOT NULL,            -- input = output + gradeout + loss, all weighed
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE packing_inputs (
  packing_id BIGINT NOT NULL REFERENCES packings(id),
  lot_id BIGINT NOT NULL REFERENCES lots(id),
  used_g BIGINT NOT NULL CHECK (used_g > 0),
  PRIMARY KEY (packing_id, lot_id)
);

CREATE TABLE packing_outputs (
  packing_id BIGINT NOT NULL REFERENCES packings(id),
  lot_id BIGINT NOT NULL REFERENCES lots(id),
  qty_g BIGINT NOT NULL CHECK (qty_g > 0),
  units BIGINT NOT NULL CHECK (units >= 0),
  PRIMARY KEY (packing_id, lot_id)
);

CREATE TABLE packing_losses (
  id {{ID}},
  packing_id BIGINT NOT NULL REFERENCES packings(id),
  kind TEXT NOT NULL CHECK (kind IN ('gradeout','loss')),
  qty_g BIGINT NOT NULL CHECK (qty_g >= 0),
  reason TEXT NOT NULL
);

CREATE TABLE adjustments (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  lot_id BIGINT NOT NULL REFERENCES lots(id),
  loc_kind TEXT NOT NULL,
  loc_id BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('stocktake','spoilage','expiry','damage','found')),
  system_g BIGINT NOT NULL,
  counted_g BIGINT,
  delta_g BIGINT NOT NULL,
  reason TEXT NOT NULL,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);
