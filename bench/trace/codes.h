/*
 * The lot codes of the trace benchmark: lot i (0-based) has code
 * "T" + 10 base32 characters of a 64-bit mix of i, so the database builder
 * (mkdb.c) and the load generator (traceload.c) agree on every code without a
 * list, and codes look like real ones (random, same length).
 */
#ifndef BENCH_TRACE_CODES_H
#define BENCH_TRACE_CODES_H

#include <stdint.h>

/* splitmix64: a bijective mix, so distinct i give distinct codes. */
static inline uint64_t bench_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* out gets "T" and 10 base32 characters (50 bits of the mix) and a NUL. */
static inline void bench_code(uint64_t i, char out[12])
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint64_t x = bench_mix(i);
	out[0] = 'T';
	for (int k = 0; k < 10; k++)
		out[1 + k] = b32[(x >> (5 * k)) & 31];
	out[11] = '\0';
}

#endif
