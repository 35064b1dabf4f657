# The PE tile configurations of rtl/configs.json ("configs"), for the benches (tb/) and tests
# (tests/rtl/): their Verilog parameters. C and C++ take them from model/rtl_bridge/pe_configs.h,
# generated from the same file by scripts/rtl-configs.py.
set(HQ_PE_CONFIG_FILE ${CMAKE_SOURCE_DIR}/rtl/configs.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${HQ_PE_CONFIG_FILE})
file(READ ${HQ_PE_CONFIG_FILE} HQ_PE_CONFIG_FILE_JSON)
string(JSON HQ_PE_CONFIG_JSON GET "${HQ_PE_CONFIG_FILE_JSON}" configs)
set(HQ_PE_KEYS uniform lanes g m n lo hi nb_max oport)
# Keys of the split array's configurations only; the others get split 0, hmacs 0.
set(HQ_PE_OPTIONAL_KEYS split hmacs)

# hq_pe_configs(<out>): the configuration names.
function(hq_pe_configs out)
  string(JSON n LENGTH "${HQ_PE_CONFIG_JSON}")
  math(EXPR last "${n} - 1")
  set(names)
  foreach(i RANGE ${last})
    string(JSON name MEMBER "${HQ_PE_CONFIG_JSON}" ${i})
    if(NOT name MATCHES "^_")
      list(APPEND names ${name})
    endif()
  endforeach()
  set(${out} ${names} PARENT_SCOPE)
endfunction()

# hq_pe_config(<name> <prefix>): sets <prefix>_<key> for every key of the configuration.
function(hq_pe_config name prefix)
  foreach(key ${HQ_PE_KEYS})
    string(JSON v GET "${HQ_PE_CONFIG_JSON}" ${name} ${key})
    set(${prefix}_${key} ${v} PARENT_SCOPE)
  endforeach()
  foreach(key ${HQ_PE_OPTIONAL_KEYS})
    string(JSON v ERROR_VARIABLE missing GET "${HQ_PE_CONFIG_JSON}" ${name} ${key})
    if(missing)
      set(v 0)
    endif()
    set(${prefix}_${key} ${v} PARENT_SCOPE)
  endforeach()
endfunction()

# hq_pe_verilog_params(<name> <out>): the -G parameter overrides of pe_tile for verilator.
function(hq_pe_verilog_params name out)
  hq_pe_config(${name} c)
  set(p -GUNIFORM=${c_uniform} -GLANES=${c_lanes} -GG=${c_g} -GM=${c_m} -GN=${c_n}
      -GLO=${c_lo} -GHI=${c_hi} -GNB_MAX=${c_nb_max} -GOPORT=${c_oport})
  # (only for a split configuration: tops without the split array have no such parameters)
  if(NOT c_split EQUAL 0)
    list(APPEND p -GSPLIT=${c_split} -GHMACS=${c_hmacs})
  endif()
  set(${out} ${p} PARENT_SCOPE)
endfunction()
