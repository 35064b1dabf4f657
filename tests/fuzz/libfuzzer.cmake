# libFuzzer targets, one per parser (docs/robustness.md). Included by the top-level
# CMakeLists.txt in the fuzz build only (-DHQSIM_FUZZ=ON with clang; scripts/fuzz), where
# everything carries ASan and UBSan. Tests (label fuzz):
#   fuzz_<target>_seeds  every seed of seeds/<target>/ once through the target; accept-* seeds
#                        must be accepted and reject-* refused (the regression inputs)
#   fuzz_<target>        fuzzes for HQSIM_FUZZ_SECONDS from the seeds; new inputs go to the
#                        build tree, crashing ones to build-fuzz/tests/fuzz/crashes/
set(HQSIM_FUZZ_SECONDS 20 CACHE STRING "Fuzzing time of each fuzz_<target> test")
set(fuzz_src ${CMAKE_CURRENT_LIST_DIR})
set(fuzz_bin ${PROJECT_BINARY_DIR}/tests/fuzz)

# The C++ parsers, compiled from their model sources (the rest of the SystemC model is not
# needed to fuzz them).
set(src ${PROJECT_SOURCE_DIR}/model)
# The kinds' decoders and arrays (with their registries: the timing config names them).
include(${src}/kind_sources.cmake)
hq_kind_sources(kinds)
list(TRANSFORM kinds PREPEND ${src}/)
add_library(hqparse STATIC ${kinds} ${src}/accel/layout_registry.cpp
            ${src}/accel/array_registry.cpp ${src}/accel/pe_array.cpp ${src}/accel/pe_gemm.cpp
            ${src}/accel/sparse_plane.cpp
            ${src}/rtl_bridge/rtl_pe_array.cpp ${src}/accel/layer_image.cpp ${src}/accel/accel_config.cpp
            ${src}/platform/config_reader.cpp ${src}/platform/platform_config.cpp
            ${src}/platform/elf_loader.cpp ${src}/cpu/gdb_stub.cpp ${fuzz_src}/fuzz_support.cpp)
target_include_directories(hqparse PUBLIC ${src} ${fuzz_src})
target_link_libraries(hqparse PUBLIC hq hq_default_configs PkgConfig::SYSTEMC PkgConfig::LIBELF)

set(fuzz_targets container layout_c layout_cpp policy config_json config_timing config_energy
    elf gdb_packet idx)
foreach(t ${fuzz_targets})
  file(GLOB main ${fuzz_src}/fuzz_${t}.c ${fuzz_src}/fuzz_${t}.cpp)
  # fuzz_support.cpp again: a static library member nobody references would not be linked.
  add_executable(fuzz_${t} ${main} ${fuzz_src}/fuzz_support.cpp)
  target_link_libraries(fuzz_${t} PRIVATE hqparse)
  target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
  set_target_properties(fuzz_${t} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${fuzz_bin})
  add_executable(replay_${t} ${main} ${fuzz_src}/replay_seeds_main.c ${fuzz_src}/fuzz_support.cpp)
  target_link_libraries(replay_${t} PRIVATE hqparse)
  set_target_properties(replay_${t} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${fuzz_bin})

  set(seeds ${fuzz_src}/seeds/${t})
  file(GLOB seed_files CONFIGURE_DEPENDS ${seeds}/*)
  set(corpus ${fuzz_bin}/corpus/${t})
  file(MAKE_DIRECTORY ${corpus} ${fuzz_bin}/crashes)
  add_test(NAME fuzz_${t}_seeds COMMAND replay_${t} ${seed_files})
  add_test(NAME fuzz_${t}
           COMMAND fuzz_${t} -max_total_time=${HQSIM_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048
                   -print_final_stats=1 -artifact_prefix=${fuzz_bin}/crashes/${t}- ${corpus} ${seeds})
  set_tests_properties(fuzz_${t}_seeds fuzz_${t} PROPERTIES LABELS fuzz)
endforeach()

# The generator of the committed container and layout seeds (not a test).
add_executable(make_seeds ${fuzz_src}/make_seeds.c)
target_include_directories(make_seeds PRIVATE ${PROJECT_SOURCE_DIR}/tests/lib)
target_link_libraries(make_seeds PRIVATE hq)
set_target_properties(make_seeds PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${fuzz_bin})
