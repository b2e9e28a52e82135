// Exact conversions between what people type and what the API stores:
// weights in integer grams, money in integer fen. Decimal strings are parsed
// digit by digit into integers (BigInt inside), never through floating
// point, so "12.35" 斤 is exactly 6175 g and ¥3.20/斤 exactly 640 fen/kg.
// The rounding of an amount (weight × price) follows src/lib/money.h: once,
// half away from zero, to the fen.

export const G_PER_KG = 1000n
export const G_PER_JIN = 500n

// Parse a plain decimal ("12", "12.5", " 0.350 ") scaled by 10^scale into a
// BigInt: parseScaled("12.35", 2) === 1235n. Returns null for anything that
// is not a non-negative decimal with at most `scale` decimals.
export function parseScaled(s, scale) {
  if (s === null || s === undefined) return null
  const t = String(s).trim()
  const m = /^(\d{1,12})(?:\.(\d*))?$/.exec(t)
  if (!m) return null
  const frac = m[2] || ''
  if (frac.length > scale) return null
  return BigInt(m[1]) * 10n ** BigInt(scale) + BigInt((frac + '0'.repeat(scale)).slice(0, scale) || '0')
}

// Grams from a weight typed in kg (up to 3 decimals) or 斤 (jin = 500 g;
// up to 3 decimals and the result must be a whole gram). Returns
// {g: Number} or {error: 'format' | 'precision'}.
export function toGrams(s, unit) {
  const milli = parseScaled(s, 3)
  if (milli === null) return { error: 'format' }
  if (unit === 'kg') return { g: Number(milli) }
  const twice = milli * G_PER_JIN // grams × 1000
  if (twice % 1000n !== 0n) return { error: 'precision' }
  return { g: Number(twice / 1000n) }
}

// Fen from a yuan amount "12.3" (up to 2 decimals), or null.
export function yuanToFen(s) {
  const v = parseScaled(s, 2)
  return v === null ? null : Number(v)
}

// round(a * b / c) half away from zero, on integers (BigInt).
export function mulDivRound(a, b, c) {
  const n = BigInt(a) * BigInt(b)
  const d = BigInt(c)
  const neg = n < 0n !== d < 0n
  const an = n < 0n ? -n : n
  const ad = d < 0n ? -d : d
  let q = an / ad
  if ((an % ad) * 2n >= ad) q += 1n
  return neg ? -q : q
}

// Amount in fen for net grams at a price in fen per kg (rounded once).
export function amountFen(netG, priceFenPerKg) {
  return Number(mulDivRound(netG, priceFenPerKg, G_PER_KG))
}

// "1,234.50" for 123450 fen (integer arithmetic; negative keeps its sign).
export function fenText(fen) {
  if (fen === null || fen === undefined || fen === '') return '—'
  let v = BigInt(fen)
  const neg = v < 0n
  if (neg) v = -v
  const yuan = (v / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const cents = (v % 100n).toString().padStart(2, '0')
  return (neg ? '-' : '') + yuan + '.' + cents
}

// The one money formatter: "¥1,234.50", and a negative amount with its sign
// before the currency sign, "-¥21.00" (never "¥-21.00"). An optional unit
// gives a price: yuanText(640, 'kg') === "¥6.40/kg".
export function yuanText(fen, per = '') {
  if (fen === null || fen === undefined || fen === '') return '—'
  const v = BigInt(fen)
  const text = (v < 0n ? '-¥' : '¥') + fenText(v < 0n ? -v : v)
  return per ? `${text}/${per}` : text
}

// "12.345 kg" for 12345 g; unit 'jin' gives "24.69 斤" (exact: g / 500).
export function gramsText(g, unit = 'kg') {
  if (g === null || g === undefined || g === '') return '—'
  let v = BigInt(g)
  const neg = v < 0n
  if (neg) v = -v
  let whole, frac
  if (unit === 'jin') {
    // g / 500 = (g * 2) / 1000
    v = v * 2n
  }
  whole = v / 1000n
  frac = (v % 1000n).toString().padStart(3, '0').replace(/0+$/, '')
  const s = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? '.' + frac : '')
  return (neg ? '-' : '') + s + (unit === 'jin' ? ' 斤' : ' kg')
}

// Tonnes with 3 decimals from grams ("1.234 t" for 1,234,000 g, truncated
// to whole kg).
export function tonnesText(g) {
  if (g === null || g === undefined) return '—'
  const kg = BigInt(g) / 1000n
  const t = kg / 1000n
  const r = (kg % 1000n).toString().padStart(3, '0')
  return `${t.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${r}`
}

// Today's date in Asia/Shanghai as "YYYY-MM-DD" (business dates are Shanghai dates).
export function todayShanghai(now = new Date()) {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
  return f.format(now)
}

// "2026-11-22 21:05" in Asia/Shanghai for an ISO-8601 UTC instant.
export function instantText(iso) {
  if (!iso) return '—'
  const d = new Date(iso)
  if (isNaN(d)) return String(iso)
  const f = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
  return f.format(d)
}
