-- Village collection runs (乡村集货): the origin warehouse's trucks, a manual
-- override of the expected load at a point on a date, and the stored plans
-- (runs, stops, points left out and why). The points' opening hours
-- (collection_points.opens/closes, "HH:MM" Asia/Shanghai) and approximate
-- coordinates (collection_points.lon_e6/lat_e6/approx) are those of 0002.
-- Weights are integer grams, money integer fen, distances integer metres,
-- instants UTC milliseconds.

CREATE TABLE vehicles (
  id {{ID}},
  warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,                       -- type name, e.g. 4.2米厢式货车
  capacity_g BIGINT NOT NULL CHECK (capacity_g > 0),
  refrigerated INTEGER NOT NULL DEFAULT 0,
  fixed_fen BIGINT NOT NULL CHECK (fixed_fen >= 0),       -- per run
  fen_per_km BIGINT NOT NULL CHECK (fen_per_km >= 0),
  fen_per_hour BIGINT NOT NULL CHECK (fen_per_hour >= 0),
  available INTEGER NOT NULL CHECK (available >= 0),      -- how many of this type
  max_minutes INTEGER NOT NULL CHECK (max_minutes > 0),   -- longest run, the driver's day
  active INTEGER NOT NULL DEFAULT 1,
  UNIQUE (warehouse_id, code)
);

-- A planner's own figure for a point and date replaces the forecast rule.
CREATE TABLE collection_forecast_overrides (
  point_id BIGINT NOT NULL REFERENCES collection_points(id),
  on_date TEXT NOT NULL,                    -- Asia/Shanghai date
  expected_g BIGINT NOT NULL CHECK (expected_g >= 0),
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (point_id, on_date)
);

CREATE TABLE collection_plans (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
  plan_date TEXT NOT NULL,                  -- Asia/Shanghai date of the runs
  status TEXT NOT NULL CHECK (status IN ('complete','partial','empty')),
  seed BIGINT NOT NULL,
  iterations BIGINT NOT NULL,
  detour_milli BIGINT NOT NULL,             -- detour factor x 1000
  speed_kmh BIGINT NOT NULL,
  load_g BIGINT NOT NULL,
  distance_m BIGINT NOT NULL,
  cost_fen BIGINT NOT NULL,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX collection_plans_day ON collection_plans(warehouse_id, plan_date);

CREATE TABLE collection_plan_runs (
  id {{ID}},
  plan_id BIGINT NOT NULL REFERENCES collection_plans(id),
  seq INTEGER NOT NULL,
  vehicle_id BIGINT NOT NULL REFERENCES vehicles(id),
  depart_at BIGINT NOT NULL,
  return_at BIGINT NOT NULL,
  load_g BIGINT NOT NULL,
  distance_m BIGINT NOT NULL,
  cost_fen BIGINT NOT NULL,
  UNIQUE (plan_id, seq)
);

CREATE TABLE collection_plan_stops (
  run_id BIGINT NOT NULL REFERENCES collection_plan_runs(id),
  seq INTEGER NOT NULL,
  point_id BIGINT NOT NULL REFERENCES collection_points(id),
  arrive_at BIGINT NOT NULL,
  start_at BIGINT NOT NULL,                 -- loading starts (after any wait)
  depart_at BIGINT NOT NULL,
  load_g BIGINT NOT NULL,                   -- loaded here
  onboard_g BIGINT NOT NULL,                -- on the truck when it leaves
  forecast_source TEXT NOT NULL CHECK (forecast_source IN ('rule','override')),
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX collection_plan_stops_point ON collection_plan_stops(point_id);

CREATE TABLE collection_plan_unserved (
  plan_id BIGINT NOT NULL REFERENCES collection_plans(id),
  point_id BIGINT NOT NULL REFERENCES collection_points(id),
  expected_g BIGINT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('over_capacity','window','duration','not_enough_trucks','no_coordinates')),
  message_zh TEXT NOT NULL,
  message_en TEXT NOT NULL,
  PRIMARY KEY (plan_id, point_id)
);
