#!/bin/sh
# Regenerates the CSV and .xlsx fixtures of tests/unit/test_io_*.c from the text
# in this script and the XML under handmade/ (run from anywhere; needs iconv and
# zip). The outputs are committed; rerunning gives the same bytes.
set -eu
cd "$(dirname "$0")"

# Orders as a live-stream channel exports them: UTF-8 with BOM, CRLF.
orders() {
  printf '订单号,渠道,商品,数量,单价（元）,收货人,地址,备注\n'
  printf 'DY-0001,抖音直播,盐源苹果 5kg,2,39.90,张三,浙江省宁波市鄞州区首南街道 1 号,\n'
  printf 'DY-0002,抖音直播,会理石榴 3kg,1,45.00,李四,"宁波市海曙区, 中山西路 8 号","请""轻拿轻放"""\n'
  printf 'GH-0003,工会采购,雷波脐橙 10kg,20,88.00,王五,宁波市北仑区新碶街道,单位福利\n'
}
{ printf '\357\273\277'; orders | sed 's/$/\r/'; } > orders_utf8_bom_crlf.csv
# The same as Excel on Chinese Windows saves "CSV (逗号分隔)": GB18030/GBK, CRLF, no BOM.
orders | sed 's/$/\r/' | iconv -f UTF-8 -t GB18030 > orders_gbk.csv

# Line 3 holds 0xFF 0xFE 0xFD: invalid in UTF-8 and in GB18030.
printf 'a,b\n1,2\nx\377\376\375,3\n' > invalid_bytes.csv

# A quoted field with embedded newlines (LF and CRLF); the next record starts on line 5.
printf '编号,备注\r\n1,"第一行\n第二行\r\n第三行"\r\n2,普通\r\n' > quoted_newlines.csv

# The header lacks 数量 (quantity).
printf '订单号,商品,单价（元）\n1,盐源苹果,39.90\n' > missing_column.csv

# Rows shorter and longer than the header, and a blank line.
printf 'a,b,c\n1\n1,2,3,4\n\n5,6,7\n' > ragged.csv

# Tab- and semicolon-separated exports (refused).
printf '订单号\t商品\n1\t苹果\n' > tab_separated.csv
printf 'id;name\n1;apple\n' > semicolon.csv

# An unterminated quote opened on line 3.
printf 'a,b\n1,2\n3,"never closed\n4,5\n' > unterminated.csv

# Hand-made .xlsx: inline strings, rich text, gaps, formulas with cached values,
# a date, and a first sheet stored as worksheets/orders.xml (not sheet1.xml).
rm -f handmade.xlsx
find handmade -exec touch -h -t 202401010000 {} +
(cd handmade && TZ=UTC zip -q -X -D ../handmade.xlsx \
  '[Content_Types].xml' _rels/.rels xl/workbook.xml xl/_rels/workbook.xml.rels \
  xl/sharedStrings.xml xl/styles.xml xl/worksheets/orders.xml xl/worksheets/sheet1.xml)

# A zip bomb: a 300 MB worksheet of blanks that deflates to about 300 KB. The
# reader must stop at its 256 MiB inflate budget.
rm -f zipbomb.xlsx
tmp=$(mktemp -d)
cp -R handmade/. "$tmp/"
{ printf '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
  head -c 300000000 /dev/zero | tr '\0' ' '
  printf '</sheetData></worksheet>'; } > "$tmp/xl/worksheets/orders.xml"
find "$tmp" -exec touch -h -t 202401010000 {} +
(cd "$tmp" && TZ=UTC zip -q -9 -X -D "$OLDPWD/zipbomb.xlsx" \
  '[Content_Types].xml' _rels/.rels xl/workbook.xml xl/_rels/workbook.xml.rels \
  xl/sharedStrings.xml xl/styles.xml xl/worksheets/orders.xml)
rm -rf "$tmp"
