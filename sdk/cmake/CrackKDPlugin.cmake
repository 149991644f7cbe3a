# crackkd_add_plugin(<name> SOURCES <files...> [VERSION <x.y.z>] [LINK <libs...>] [NO_INSTALL])
#
# Builds a CrackKD plugin library `crackkd_<name>.so` from sources that include only
# <crackkd/...> (plus the plugin's own dependencies given in LINK). Only the symbols the
# CRACKKD_PLUGIN macro exports are visible, so plugins cannot clash with each other.
# Output goes to CRACKKD_PLUGIN_OUTPUT_DIR when set (this build's plugin folder), and
# `install` puts it in lib/crackkd/plugins under the install prefix.
include_guard(GLOBAL)
include(GNUInstallDirs)

function(crackkd_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "VERSION" "SOURCES;LINK" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "crackkd_add_plugin(${name}): no SOURCES given")
  endif()
  if(NOT ARG_VERSION)
    set(ARG_VERSION "${PROJECT_VERSION}")
  endif()
  if(NOT ARG_VERSION)
    set(ARG_VERSION "0.0.0")
  endif()
  set(target crackkd_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE CrackKD::sdk ${ARG_LINK})
  target_compile_definitions(${target} PRIVATE CRACKKD_PLUGIN_VERSION="${ARG_VERSION}")
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(CRACKKD_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CRACKKD_PLUGIN_OUTPUT_DIR})
  endif()
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/crackkd/plugins)
  endif()
endfunction()
