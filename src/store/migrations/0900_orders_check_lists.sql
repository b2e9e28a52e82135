-- only: sqlite
-- Cheaper CHECKs on the hot order tables (bench/README.md, "Order
-- ingestion"). Inside a CHECK, SQLite evaluates `x IN ('a', 'b', 'c', ...)`
-- of more than two values by building a temporary b-tree of the list for
-- every row it inserts (in a query it builds it once): three of them per
-- 1-line order (orders.status, order_lines.status, allocations.state), about
-- a fifth of the writer's instructions in a bulk insert. The same rules are
-- written here as `x = 'a' OR x = 'b' ...`, compared in place. They are
-- equivalent for every row (the three columns are NOT NULL), so no row can
-- newly fail them and none is rewritten: this is the in-place change of a
-- table's declared text that SQLite documents for changing CHECK
-- constraints (lang_altertable.html, "Making Other Kinds Of Table Schema
-- Changes"). The CREATE TABLE after it moves the schema cookie, so other
-- open connections read the new text. PostgreSQL evaluates an IN list
-- without a temporary table and keeps the constraints of 0007 (this file is
-- recorded there without running).

PRAGMA writable_schema = ON;

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (status IN (''allocated'',''backorder'',''picking'',''shipped'',''delivered'',''cancelled'',''returned'',''partial''))',
  'CHECK (status = ''allocated'' OR status = ''backorder'' OR status = ''picking'' OR status = ''shipped'' OR status = ''delivered'' OR status = ''cancelled'' OR status = ''returned'' OR status = ''partial'')')
WHERE type = 'table' AND name = 'orders';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (status IN (''allocated'',''backorder'',''picked'',''shipped'',''delivered'',''cancelled'',''returned''))',
  'CHECK (status = ''allocated'' OR status = ''backorder'' OR status = ''picked'' OR status = ''shipped'' OR status = ''delivered'' OR status = ''cancelled'' OR status = ''returned'')')
WHERE type = 'table' AND name = 'order_lines';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (state IN (''reserved'',''picked'',''shipped'',''released''))',
  'CHECK (state = ''reserved'' OR state = ''picked'' OR state = ''shipped'' OR state = ''released'')')
WHERE type = 'table' AND name = 'allocations';

PRAGMA writable_schema = OFF;

CREATE TABLE schema_cookie_0900 (x INTEGER);
DROP TABLE schema_cookie_0900;
