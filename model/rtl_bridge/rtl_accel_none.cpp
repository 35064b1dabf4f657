/* The list of Verilated accelerator configurations when none is built in (no Verilator, or
 * HQSIM_BUILD_RTL=OFF): --accel-impl rtl then says so (rtl_accel_unavailable()). With
 * Verilator, CMakeLists.txt here generates the real list (rtl_accel_configs.cpp). */
#include "rtl_accel_core.h"

#ifndef HQSIM_HAVE_RTL_ACCEL
namespace hq::rtl {

const std::vector<AccelCoreConfig> &accel_core_configs() {
    static const std::vector<AccelCoreConfig> none;
    return none;
}

} // namespace hq::rtl
#endif
