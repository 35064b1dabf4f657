# hq_kind_sources(<out>): the model sources of the kinds of configs/accel/regmap.json, relative
# to model/: accel/<layout>_decoder.cpp for each LAYOUT and accel/<array>_array.cpp for each ARCH
# (lower-case kind name). Derived from that one declaration, so a new layout or array kind adds
# no CMake line (docs/extending.md). Used by model/CMakeLists.txt and the fuzz build.
function(hq_kind_sources out)
  set(regmap ${PROJECT_SOURCE_DIR}/configs/accel/regmap.json)
  file(READ ${regmap} json)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${regmap})
  set(list)
  foreach(kind LAYOUT:decoder ARCH:array)
    string(REPLACE ":" ";" kind ${kind})
    list(GET kind 0 enum)
    list(GET kind 1 suffix)
    string(JSON n LENGTH "${json}" enums ${enum})
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
      string(JSON name GET "${json}" enums ${enum} ${i} name)
      string(TOLOWER ${name} name)
      list(APPEND list accel/${name}_${suffix}.cpp)
    endforeach()
  endforeach()
  set(${out} ${list} PARENT_SCOPE)
endfunction()
