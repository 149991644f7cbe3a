// Compiled by the structure.upward_include_refused test with io/'s include view alone: io/
// sees its own headers, and the build refuses a folder above it (stages/).
#include "io/content_hash.hpp"
#include "stages/stage.hpp"
