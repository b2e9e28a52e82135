// The console's one money formatter (web/console/src/units.js): amounts in
// integer fen become "¥1,234.50", negatives put the sign before the currency
// sign ("-¥21.00", the convention of Chinese accounting displays, never
// "¥-21.00"), and prices carry their unit. Pure functions: no browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { yuanText, fenText } from '../../web/console/src/units.js';

test('positive, zero and large amounts', () => {
  assert.equal(yuanText(2100), '¥21.00');
  assert.equal(yuanText(0), '¥0.00');
  assert.equal(yuanText(5), '¥0.05');
  assert.equal(yuanText(123456789), '¥1,234,567.89');
  assert.equal(yuanText('27900012'), '¥279,000.12', 'amounts arriving as strings');
});

test('negative amounts show the minus before the yuan sign', () => {
  assert.equal(yuanText(-2100), '-¥21.00');
  assert.equal(yuanText(-5), '-¥0.05');
  assert.equal(yuanText(-123456789), '-¥1,234,567.89');
  assert.doesNotMatch(yuanText(-1), /¥-/);
  assert.equal(fenText(-2100), '-21.00', 'the bare number keeps its sign');
});

test('prices per unit and missing values', () => {
  assert.equal(yuanText(640, 'kg'), '¥6.40/kg');
  assert.equal(yuanText(320, '斤'), '¥3.20/斤');
  assert.equal(yuanText(-640, 'kg'), '-¥6.40/kg');
  assert.equal(yuanText(null), '—');
  assert.equal(yuanText(undefined, 'kg'), '—');
  assert.equal(yuanText(''), '—');
});
