/*
 * Unit tests of the QR SVG writer (src/http/qr.c): the SVG path, read back
 * into a module grid, must equal libqrencode's own matrix, carry the three
 * finder patterns and the quiet zone; empty or oversized text gives NULL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/qr.h"
#include "lib/arena.h"

#define GRID_MAX 200

/* Read "viewBox=\"0 0 N N\"" and the path's runs back into grid (1 = dark). */
static int svg_to_grid(const char *svg, unsigned char grid[GRID_MAX][GRID_MAX])
{
	int size = 0;
	const char *vb = strstr(svg, "viewBox=\"0 0 ");
	assert_non_null(vb);
	assert_int_equal(sscanf(vb, "viewBox=\"0 0 %d", &size), 1);
	assert_true(size > 0 && size <= GRID_MAX);
	memset(grid, 0, sizeof(unsigned char) * GRID_MAX * GRID_MAX);
	const char *d = strstr(svg, " d=\"");
	assert_non_null(d);
	d += 4;
	while (*d == 'M') {
		int x, y, w, w2, used = 0;
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &w, &w2, &used), 4);
		assert_int_equal(w, w2);
		assert_true(x >= 0 && y >= 0 && x + w <= size && y < size);
		for (int i = 0; i < w; i++)
			grid[y][x + i] = 1;
		d += used;
	}
	assert_int_equal(*d, '"');
	return size;
}

static void test_qr_matches_libqrencode(void **state)
{
	(void)state;
	static unsigned char grid[GRID_MAX][GRID_MAX];
	const char *text = "https://shanhai.example/t/LT7Q2K9M4XZ";
	struct arena a;
	arena_init(&a);
	const char *svg = qr_svg(&a, text);
	assert_non_null(svg);
	assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	int size = svg_to_grid(svg, grid);

	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	assert_non_null(q);
	assert_int_equal(size, q->width + 8);
	for (int y = 0; y < size; y++)
		for (int x = 0; x < size; x++) {
			int inside = x >= 4 && y >= 4 && x < size - 4 && y < size - 4;
			int want = inside ? (q->data[(y - 4) * q->width + (x - 4)] & 1) : 0;
			assert_int_equal(grid[y][x], want);
		}
	QRcode_free(q);
	arena_release(&a);
}

/* The 7x7 finder pattern: dark ring, light ring, dark 3x3 core. */
static void assert_finder(unsigned char grid[GRID_MAX][GRID_MAX], int ox, int oy)
{
	for (int y = 0; y < 7; y++)
		for (int x = 0; x < 7; x++) {
			int ring = x == 0 || y == 0 || x == 6 || y == 6;
			int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
			assert_int_equal(grid[oy + y][ox + x], ring || core);
		}
}

static void test_qr_finder_patterns(void **state)
{
	(void)state;
	static unsigned char grid[GRID_MAX][GRID_MAX];
	struct arena a;
	arena_init(&a);
	const char *svg = qr_svg(&a, "PC2026-000123");
	assert_non_null(svg);
	int size = svg_to_grid(svg, grid);
	assert_finder(grid, 4, 4);
	assert_finder(grid, size - 11, 4);
	assert_finder(grid, 4, size - 11);
	arena_release(&a);
}

static void test_qr_refuses_empty_and_huge(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_null(qr_svg(&a, NULL));
	assert_null(qr_svg(&a, ""));
	size_t n = 4000; /* more than version 40-M holds (2331 bytes) */
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\0';
	assert_null(qr_svg(&a, big));
	free(big);
	/* UTF-8 text is encoded as bytes */
	assert_non_null(qr_svg(&a, "盐源苹果 一级"));
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qr_matches_libqrencode),
		cmocka_unit_test(test_qr_finder_patterns),
		cmocka_unit_test(test_qr_refuses_empty_and_huge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
