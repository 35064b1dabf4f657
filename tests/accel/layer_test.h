/* Setup shared by the layer tests (test_accel_layers, _ksplit, _signed): the bench memory map,
 * the array argument, a layer's K chunk and a one-descriptor run with its expected status. */
#ifndef HQ_LAYER_TEST_H
#define HQ_LAYER_TEST_H

#include "accel_test.h"

namespace hqt {

/* Where the layer tests put descriptors, row parameters, weights, inputs and outputs in the
 * bench memory; K chunk j's weights (and a conv chunk's inputs) at + j * CHUNK. */
namespace layer_map {
constexpr uint32_t DESC = 0x80000000, PARAMS = 0x80010000, WEIGHTS = 0x80100000, IN = 0x80400000,
                   OUT = 0x80800000, CHUNK = 0x40000;
} // namespace layer_map

/* The error code field of a STATUS value. */
uint32_t err_code(uint32_t status);

/* The array named by the test's one optional argument (default lanegroup); false after a usage
 * line on stderr. */
bool arch_arg(int argc, char **argv, hq::accel::Arch *arch);

/* L restricted to input channels [c0, c1) (dense: inputs = columns): weights, high flags and
 * the row fields copied into S's own quantized layer (free_layer). */
void sub_layer(const hq_layer &L, int c0, int c1, hq_layer *S);

/* Runs descriptor d alone (at layer_map::DESC) and checks its STATUS: done for
 * HQ_ACCEL_ERR_NONE, else an error with code `want`. */
void expect(Bench &b, const hq_accel_desc &d, unsigned want, const std::string &why);

} // namespace hqt

#endif
