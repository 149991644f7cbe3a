# crackkd_use_ccache(<base directory>)
#
# Compiles through ccache when it is installed, set up so that every clone of the project
# on a machine shares one cache: paths under <base directory> (the clone) are hashed
# relative to it, the compile folder is left out of the hash (debug info keeps the first
# clone's folder, which nothing reads), header timestamps from a fresh checkout do not
# count, and __FILE__ (in every GoogleTest assertion) expands relative to the clone, since
# unity batches include their sources by absolute path and the expanded string would
# differ from clone to clone. Without ccache, or with CRACKKD_NO_CCACHE set in the
# environment, nothing changes. CRACKKD_CCACHE_LAUNCHER holds the launcher as a list, for
# the example plugin's out-of-tree build in the tests to pass on as
# -DCMAKE_CXX_COMPILER_LAUNCHER (the Makefile spells the same settings for its own).
# Used by the main build and tests/gpu; docs/developing.md.
include_guard(GLOBAL)

function(crackkd_use_ccache base_dir)
  find_program(CRACKKD_CCACHE ccache)
  if(NOT CRACKKD_CCACHE OR DEFINED ENV{CRACKKD_NO_CCACHE})
    set(CRACKKD_CCACHE_LAUNCHER "" PARENT_SCOPE)
    return()
  endif()
  set(launcher ${CMAKE_COMMAND} -E env
      CCACHE_BASEDIR=${base_dir}
      CCACHE_NOHASHDIR=1
      CCACHE_SLOPPINESS=include_file_mtime,include_file_ctime,time_macros
      ${CRACKKD_CCACHE})
  add_compile_options(-fmacro-prefix-map=${base_dir}/=)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${launcher} PARENT_SCOPE)
  set(CRACKKD_CCACHE_LAUNCHER ${launcher} PARENT_SCOPE)
endfunction()
