/* `hqsim run --measure FILE`: the firmware prints each command's counters on the UART
 * (docs/measurements.md); the run sends the UART to a temporary file, takes the rows out of
 * it, passes every other line on, and writes the measurement file with the host's header. */
#ifndef HQ_MEASURE_RUN_H
#define HQ_MEASURE_RUN_H

#include "measure.h"

#include <string>
#include <vector>

namespace hq::accel {

struct RunOptions;
struct RunReport;

/* A temporary file for the UART. Returns its path, or "" with *err set. */
std::string measure_uart_file(std::string *err);
/* Reads the UART file (and removes it), appends its HQM rows to *rows and writes the other
 * lines to echo_path ("" = stdout, "/dev/null" = nowhere, else "/dev/stderr"). Returns "" or
 * an error. */
std::string measure_uart_collect(const std::string &uart_path, const std::string &echo_path,
                                 std::vector<hq_measure_row> *rows);
/* The measurement file: header (source "model", clock, configs and their SHA-256, model and
 * its SHA-256, tools, date, command) and the rows. Returns "" or an error. */
std::string write_measure_file(const RunOptions &o, const RunReport &r, const std::string &path);

} // namespace hq::accel

#endif
