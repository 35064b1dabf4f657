/* What a fuzz target did with its last input, for the seed replayer (replay_seeds_main.c):
 * 1 the parser accepted it, 0 it refused it with a message. */
#ifndef HQ_FUZZ_OUTCOME_H
#define HQ_FUZZ_OUTCOME_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
extern int hq_fuzz_accepted;
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#ifdef __cplusplus
}
#endif
#endif
