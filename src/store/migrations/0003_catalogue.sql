-- Catalogue: products with their grades, SKUs (what a consumer orders, e.g. a
-- 5 kg box of grade 80 mm Yanyuan apples), purchase prices paid to households
-- per product and grade, and sale prices per SKU, each in force from a date
-- (Asia/Shanghai) until the next one.

CREATE TABLE products (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  shelf_life_days INTEGER NOT NULL CHECK (shelf_life_days > 0),
  storage_min_c INTEGER,           -- storage temperature range, whole degrees C
  storage_max_c INTEGER,
  origin_code TEXT REFERENCES divisions(code),
  note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE grades (
  id {{ID}},
  product_id BIGINT NOT NULL REFERENCES products(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  UNIQUE (product_id, code)
);

CREATE TABLE skus (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  product_id BIGINT NOT NULL REFERENCES products(id),
  grade_id BIGINT REFERENCES grades(id),
  name TEXT NOT NULL,
  unit_name TEXT NOT NULL DEFAULT '箱',
  net_g BIGINT NOT NULL CHECK (net_g > 0),       -- net weight of one unit
  gross_g BIGINT NOT NULL CHECK (gross_g >= net_g) -- shipping weight of one unit
);

CREATE TABLE purchase_prices (
  id {{ID}},
  product_id BIGINT NOT NULL REFERENCES products(id),
  grade_id BIGINT NOT NULL REFERENCES grades(id),
  valid_from TEXT NOT NULL,
  price_fen_per_kg BIGINT NOT NULL CHECK (price_fen_per_kg >= 0),
  created_at BIGINT NOT NULL,
  UNIQUE (grade_id, valid_from)
);

CREATE TABLE sku_prices (
  id {{ID}},
  sku_id BIGINT NOT NULL REFERENCES skus(id),
  valid_from TEXT NOT NULL,
  price_fen BIGINT NOT NULL CHECK (price_fen >= 0),
  created_at BIGINT NOT NULL,
  UNIQUE (sku_id, valid_from)
);
