/* bench: a CPU-bound loop for ISS speed (benches/iss): CRC-32 (shifts, branches, loads),
 * an integer matrix product (mul) and a division-heavy step, repeated. Prints a checksum so
 * runs on different simulators can be compared. */
#include "hq_csr.h"

#include <stdint.h>
#include <stdio.h>

#ifndef BENCH_ROUNDS
#define BENCH_ROUNDS 40
#endif
#define N 24

static uint8_t data[4096];
static int32_t A[N][N], B[N][N], C[N][N];

static uint32_t crc32(const uint8_t *p, unsigned len, uint32_t crc) {
    crc = ~crc;
    for (unsigned i = 0; i < len; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint32_t matmul(void) {
    uint32_t sum = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t acc = 0;
            for (int k = 0; k < N; k++)
                acc += A[i][k] * B[k][j];
            C[i][j] = acc;
            sum = sum * 31 + (uint32_t)acc;
        }
    return sum;
}

static uint32_t divisions(uint32_t seed) {
    uint32_t acc = 0;
    for (uint32_t i = 1; i < 2000; i++) {
        acc += (seed ^ i) / i + (uint32_t)((int32_t)(seed - i) % (int32_t)(i | 1));
        seed = seed * 1103515245u + 12345u;
    }
    return acc;
}

int main(void) {
    uint32_t x = 12345;
    for (unsigned i = 0; i < sizeof data; i++) {
        x = x * 1664525u + 1013904223u;
        data[i] = (uint8_t)(x >> 24);
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (int32_t)((i * 7 + j * 3) % 17) - 8;
            B[i][j] = (int32_t)((i * 5 + j * 11) % 13) - 6;
        }
    uint64_t i0 = rdinstret64(), c0 = rdcycle64();
    uint32_t check = 0;
    for (int r = 0; r < BENCH_ROUNDS; r++) {
        check = crc32(data, sizeof data, check);
        check ^= matmul();
        check += divisions(check);
        A[r % N][(r * 7) % N] ^= (int32_t)(check & 7);
    }
    uint64_t insns = rdinstret64() - i0, cycles = rdcycle64() - c0;
    printf("bench: %d rounds, checksum 0x%08lx\n", BENCH_ROUNDS, (unsigned long)check);
    printf("bench: %llu instructions, %llu cycles (counter CSRs)\n", (unsigned long long)insns,
           (unsigned long long)cycles);
    return 0;
}
