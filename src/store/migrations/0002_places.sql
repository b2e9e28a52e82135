-- Places and parties: administrative divisions (real NBS codes, 2 to 12
-- digits, a code's parent is a prefix), pairings, warehouses and their service
-- areas, collection points, channels, households, cooperatives, enterprises
-- and customers. Coordinates are integer micro-degrees (WGS-84); `approx` = 1
-- marks coordinates derived near the county seat (towns and villages have no
-- public coordinates).

CREATE TABLE divisions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level INTEGER NOT NULL,          -- 1 province .. 5 village
  parent_code TEXT,
  lon_e6 BIGINT,
  lat_e6 BIGINT,
  approx INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX divisions_parent ON divisions(parent_code);

-- An eastern district/city helps a western county (东西部协作) or a Zhejiang
-- mountain county (山海协作).
CREATE TABLE pairings (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('east_west','mountain_sea')),
  east_code TEXT NOT NULL REFERENCES divisions(code),
  west_code TEXT NOT NULL REFERENCES divisions(code)
);

CREATE TABLE warehouses (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('origin','sales')),
  division_code TEXT NOT NULL REFERENCES divisions(code),
  pairing_id BIGINT REFERENCES pairings(id),
  lon_e6 BIGINT,
  lat_e6 BIGINT,
  active INTEGER NOT NULL DEFAULT 1
);

-- Where a sales warehouse delivers: division code prefixes ('33' = Zhejiang,
-- '3302' = Ningbo), so mountain–sea pairings inside one province work too.
CREATE TABLE warehouse_service_areas (
  warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  division_prefix TEXT NOT NULL,
  PRIMARY KEY (warehouse_id, division_prefix)
);

CREATE TABLE collection_points (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  village_code TEXT NOT NULL REFERENCES divisions(code),
  warehouse_id BIGINT REFERENCES warehouses(id), -- the origin warehouse it feeds
  lon_e6 BIGINT,
  lat_e6 BIGINT,
  approx INTEGER NOT NULL DEFAULT 1,
  opens TEXT NOT NULL DEFAULT '08:00',
  closes TEXT NOT NULL DEFAULT '18:00',
  active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE channels (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('livestream','ecommerce','union','supermarket','flagship','fair')),
  pairing_id BIGINT REFERENCES pairings(id),
  active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE cooperatives (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  division_code TEXT NOT NULL REFERENCES divisions(code)
);

CREATE TABLE enterprises (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  division_code TEXT NOT NULL REFERENCES divisions(code)
);

-- Personal data (name, id_number, phone, bank_account) never appears on
-- public pages or in logs, and is masked in the console except for roles
-- that need it.
CREATE TABLE households (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  head_name TEXT NOT NULL,
  id_number TEXT,
  phone TEXT,
  village_code TEXT NOT NULL REFERENCES divisions(code),
  cooperative_id BIGINT REFERENCES cooperatives(id),
  lifted_from_poverty INTEGER NOT NULL DEFAULT 0, -- 脱贫户
  members INTEGER NOT NULL DEFAULT 1,
  bank_account TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX households_village ON households(village_code);

CREATE TABLE customers (
  id {{ID}},
  name TEXT NOT NULL,
  phone TEXT,
  address TEXT NOT NULL,
  division_code TEXT NOT NULL,    -- county (6 digits) or finer; prefix-matched
  created_at BIGINT NOT NULL
);
