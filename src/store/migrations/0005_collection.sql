-- Village collection (乡村集货) and what households are owed. A collection is a
-- household's delivery at a point: weighed (gross, tare, net in grams), graded,
-- priced with the purchase price in force that day, and owed in fen (rounded
-- once). A correction is a new row with negated amounts that reverses the old
-- one (reverses_id); nothing is edited. The household ledger holds every
-- amount owed (+) and paid (-), so a balance is one SUM and always exact.

CREATE TABLE collections (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,            -- receipt number
  point_id BIGINT NOT NULL REFERENCES collection_points(id),
  household_id BIGINT NOT NULL REFERENCES households(id),
  product_id BIGINT NOT NULL REFERENCES products(id),
  grade_id BIGINT NOT NULL REFERENCES grades(id),
  harvest_date TEXT NOT NULL,
  collected_on TEXT NOT NULL,           -- Asia/Shanghai date
  collected_at BIGINT NOT NULL,         -- instant, UTC ms
  gross_g BIGINT NOT NULL,
  tare_g BIGINT NOT NULL,
  net_g BIGINT NOT NULL,                -- gross - tare (negative on a reversal)
  price_unit TEXT NOT NULL CHECK (price_unit IN ('jin','kg')), -- as the collector entered it
  price_entered_fen BIGINT NOT NULL,    -- per jin or per kg, as entered
  price_fen_per_kg BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  lot_id BIGINT REFERENCES lots(id),
  reverses_id BIGINT REFERENCES collections(id),
  reversed INTEGER NOT NULL DEFAULT 0,
  collector_id BIGINT REFERENCES users(id),
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX collections_household ON collections(household_id);
CREATE INDEX collections_day ON collections(collected_on);

CREATE TABLE payments (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  household_id BIGINT NOT NULL REFERENCES households(id),
  amount_fen BIGINT NOT NULL,           -- negative on a reversal
  method TEXT NOT NULL CHECK (method IN ('cash','bank')),
  reference TEXT NOT NULL DEFAULT '',   -- bank transfer reference
  paid_on TEXT NOT NULL,
  reverses_id BIGINT REFERENCES payments(id),
  reversed INTEGER NOT NULL DEFAULT 0,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX payments_household ON payments(household_id);

CREATE TABLE household_ledger (
  id {{ID}},
  household_id BIGINT NOT NULL REFERENCES households(id),
  at BIGINT NOT NULL,
  on_date TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('collection','payment')),
  ref_id BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL            -- + owed to the household, - paid to it
);
CREATE INDEX household_ledger_hh ON household_ledger(household_id);
